"""The compiled loop's array layouts: rows of the per-victim, per-cell and per-state arrays,
event kinds and victim statuses (the engine's)."""

from __future__ import annotations

# per-victim records: one row per victim in each of ``outf`` (float), ``outi`` (int) and
# ``outb`` (bool), so that the fields an event reads or writes share a cache line or two
# (one array per field cost a cache miss per field: the run's working set is megabytes). The
# first columns are the outputs (names as in BatchResult.victims), then working fields.
OUT_FLOAT = (
    "arrived_at", "exploitation_ends_at", "detected_at", "identified_at", "protected_at",
    "lost_at", "exit_at",
)  # fmt: skip
OUT_INT = ("state", "cell", "method", "channel", "exit_code", "template")
OUT_BOOL = (
    "female", "child", "unaccompanied", "asylum_seeker", "prevented", "retrafficked",
    "cooperated", "exists", "online",
)  # fmt: skip
ARRIVED, T_END, DET_AT, IDENT_AT, PROT_AT, LOST_AT, EXIT_AT, T_DET, T_LOSS = range(9)
STATE, CELL, METHOD, CHANNEL, EXIT_CODE, TEMPLATE, STATUS, DET_KIND = range(8)
FEMALE, CHILD, UNACC, ASYLUM, PREVENTED, RETRAF, COOP, EXISTS, ONLINE = range(9)
N_FLOAT, N_INT, N_BOOL = 9, 8, 9
# per-cell working array ``ci`` (int): REPLY is the judicial reply (-1 none, 0 useless, 1
# evidence), LEAD_OK the police reply (likewise), AWAITING: the judicial reply is awaited,
# WORK_DONE: the investigators are done, CASE_NO: investigations started (tags their replies'
# events)
(
    GEN, ACTIVE, CASE_OPEN, EVIDENCE, FINANCIAL, REPLY, CASE_STATE, JCOUNT, LEAD_OK, AWAITING,
    WORK_DONE, CASE_NO,
) = range(12)  # fmt: skip
N_CELL_ROWS = 12
# per-cell float array ``cf``: the group's (re)start time, its case's opening time, the uniform
# that decides whether the evidence suffices
RESTART, OPENED, U_CHARGE = range(3)
N_CELL_FLOATS = 3
# justice counts by state (columns of BatchResult.justice; days to charge summed over the cases
# charged, i.e. "disrupted")
JUSTICE = (
    "investigation", "financial_investigation", "prosecuted", "convicted", "disrupted",
    "days_to_charge_sum",
)  # fmt: skip
# the two requests of a cross-border investigation (second index of CompiledWorld.request_terms)
# and the fields of each: whether an instrument exists, its median days, dispersion, success
# share, set-up days, whether it goes through the central authority, its index in
# pharos.sim.world.REQUEST_INSTRUMENTS (columns of BatchResult.requests)
R_INTELLIGENCE, R_EVIDENCE = 0, 1
RT_EXISTS, RT_MEDIAN, RT_DISP, RT_SUCCESS, RT_SETUP, RT_CA, RT_CODE = range(7)
N_RT = 7

# event kinds and victim statuses: pharos.sim.engine's
DETECT, IDENT_DIRECT, IDENT_QUEUED, SHELTER_END, COOPERATE = 0, 1, 2, 3, 4
NET_START, PROACTIVE, INVEST_DONE, VERDICT = 5, 6, 7, 8  # verdicts: decided at charging
LEAD, EVIDENCE_IN = 9, 10  # the police reply, the judicial reply
EXPLOITED, AWAIT_IDENT, IN_IDENT, AWAIT_BED, PROTECTED, LOST, EXITED = 0, 1, 2, 3, 4, 5, 6
RESCUE = -2
# the waiting lists (first index of ``q_wait``, ``qh``, ``qt``): identification, bed, case
W_IDENT, W_BED, W_CASE = 0, 1, 2

# state parameter columns (rows of CompiledWorld.state)
(
    P_OFFICERS, P_IDENT, P_DIRECT, P_BEDS, P_REFLECT, P_STAY, P_LOSS, P_RETRAF, P_COOP,
    P_RETURN, P_RISK, P_INVESTIGATORS, P_INV_DAYS, P_PROACTIVE, P_FIN, P_EV_BASE, P_EV_VICTIM,
    P_EV_CROSS, P_EV_FIN, P_PERSONS, P_PROS_DAYS, P_CONVICT, P_ONLINE, P_SCREEN_KIND,
    P_SCREEN_SKILL, P_LEAD, P_CA_STAFF, P_CA_DAYS,
) = range(28)  # fmt: skip
N_STATE_PARAMS = 28
# network template columns (rows of CompiledWorld.net)
(
    N_FEMALE, N_CHILD, N_UNACC, N_ASYLUM, N_RECRUIT_DAYS, N_TRAVEL, N_EXPLOIT_DAYS, N_REPLACE,
    N_MEMBERS, N_CELLS, N_FIRST_CELL, N_TYPE, N_SEA, N_ORIGIN,
) = range(14)  # fmt: skip
N_NET_PARAMS = 14
