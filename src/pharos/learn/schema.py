"""Column types of the analytics tables (see ``pharos.learn.store``)."""

from __future__ import annotations

import polars as pl

from pharos.learn import codes

#: HTCDS fields Pharos keeps for exchange: coded fields only, no direct identifiers (names,
#: e-mail, phones, street, postal code, identity number, birth date are never stored by the learn
#: area). Fields HTCDS 2.0 does not have carry the prefix ``x_pharos_`` (docs/learn.md); the
#: HTCDS importer reads them back, so an export imports again without loss.
HTCDS_KEPT_FIELDS: tuple[str, ...] = (
    "prs_Gender",
    "prs_Citizenship",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_MethodOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_RelationshipToTrafficker",
    "vic_LocationOfExploitation",
    "cas_Status",
    "cas_IncomingReferralDate",
    "cas_ReasonForIncomingReferral",
    "cas_OutgoingReferralDate",
    "cas_ReasonForOutgoingReferral",
    "spl_Type",
    "x_pharos_AgeBand",
    "x_pharos_Unaccompanied",
    "x_pharos_FirstContactDate",
    "x_pharos_IdentificationDate",
    "x_pharos_ProtectionDate",
)
#: The prefix of the fields Pharos adds to HTCDS.
PHAROS_PREFIX = "x_pharos_"


def victims_schema() -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {
        "source": pl.String(),
        "data_source": pl.String(),
        "year": pl.Int16(),
        "gender": pl.String(),
        "age_band": pl.String(),
        "minor": pl.Boolean(),
        "citizenship": pl.String(),
        "exploitation_country": pl.String(),
        "traffick_months": pl.String(),
    }
    for c in codes.flag_columns():
        schema[c] = pl.Boolean()
    return schema


CASE_OUTCOME_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "year": pl.Int16(),
    "gender": pl.String(),
    "age_band": pl.String(),
    "minor": pl.Boolean(),
    "unaccompanied": pl.Boolean(),
    "citizenship": pl.String(),
    "exploitation_type": pl.String(),
    "identified": pl.Boolean(),
    "referred": pl.Boolean(),
    "protected": pl.Boolean(),
    "days_to_identification": pl.Float64(),
    "days_to_referral": pl.Float64(),
    "days_to_protection": pl.Float64(),
}

GLOTIP_SCHEMA: dict[str, pl.DataType] = {
    "iso3": pl.String(),
    "country": pl.String(),
    "region": pl.String(),
    "subregion": pl.String(),
    "indicator": pl.String(),
    "dimension": pl.String(),
    "category": pl.String(),
    "sex": pl.String(),
    "age": pl.String(),
    "year": pl.Int16(),
    "value": pl.Int64(),
    "value_max": pl.Int64(),
    "value_text": pl.String(),
    "censored": pl.Boolean(),
}


def schema_of(table: str) -> dict[str, pl.DataType]:
    if table == "victims":
        return victims_schema()
    if table == "case_outcomes":
        return dict(CASE_OUTCOME_SCHEMA)
    if table == "glotip":
        return dict(GLOTIP_SCHEMA)
    if table == "htcds_cases":
        return {"source": pl.String(), **{f: pl.String() for f in HTCDS_KEPT_FIELDS}}
    raise KeyError(table)


def empty_frame(table: str) -> pl.DataFrame:
    """A frame with no rows and the columns of ``table`` (plus ``dataset``)."""
    schema = schema_of(table)
    schema["dataset"] = pl.String()
    return pl.DataFrame(schema=schema)


def conform(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """``frame`` with exactly the columns of ``table``, in order, cast to their types."""
    schema = schema_of(table)
    exprs = []
    for name, dtype in schema.items():
        if name in frame.columns:
            exprs.append(pl.col(name).cast(dtype))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return frame.select(exprs)
