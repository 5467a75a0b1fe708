// The ILO/EC screening rule in the browser, for the offline screening page: the combination
// logic of pharos.domain.screening.screen (a dimension's state from its clauses, the elements
// the adult or the child rule requires, the presumption) applied to the rule's data as the
// server exports it (/screenings/offline/rules.json, pharos.domain.rule_data). No fact of the
// rule is written here: weights, dimensions, clauses, requirements and the age of majority all
// come from that data. tests/e2e/server/test_offline_rule.py checks this gives the server's
// result on every bundled example and on generated observations. The server's result decides.
"use strict";

(function (root) {
  const POSITIVE = "positive";
  const OPEN = "open";
  const NEGATIVE = "negative";

  function zero() {
    return { strong: 0, medium: 0, weak: 0 };
  }

  function add(counts, weight) {
    const out = { strong: counts.strong, medium: counts.medium, weak: counts.weak };
    out[weight] += 1;
    return out;
  }

  // Clause.met_by: each minimum met, the spare medium and weak indicators cover medium_or_weak
  function metBy(clause, found) {
    if (found.strong < clause.strong || found.medium < clause.medium || found.weak < clause.weak) {
      return false;
    }
    const spare = found.medium - clause.medium + (found.weak - clause.weak);
    return spare >= clause.medium_or_weak;
  }

  function positive(rule, found) {
    return rule.clauses.some((c) => metBy(c, found));
  }

  function isChild(rule, person) {
    if (person.age !== null && person.age !== undefined) return person.age < rule.adult_age;
    return Boolean(person.child) || Boolean(person.unaccompanied);
  }

  function weightOf(rule, id, child) {
    const ind = rule.indicators[id];
    return child ? ind.child : ind.adult;
  }

  function known(rule, id) {
    return id in rule.indicators || rule.ilo_indicators.includes(id) || id in rule.unodc_indicators;
  }

  function scoreDimension(rule, dim, obs, child) {
    let counts = zero();
    let unknown = zero();
    for (const id of Object.keys(rule.indicators)) {
      if (rule.indicators[id].dimension !== dim) continue;
      const weight = weightOf(rule, id, child);
      if (obs.present.has(id)) {
        if (weight !== null) counts = add(counts, weight);
      } else if (weight !== null && !obs.ruledOut.has(id) && !obs.explored.has(dim)) {
        unknown = add(unknown, weight);
      }
    }
    if (positive(rule, counts)) return { dimension: dim, state: POSITIVE, counts: counts };
    const best = {
      strong: counts.strong + unknown.strong,
      medium: counts.medium + unknown.medium,
      weak: counts.weak + unknown.weak,
    };
    return { dimension: dim, state: positive(rule, best) ? OPEN : NEGATIVE, counts: counts };
  }

  function groupState(states) {
    if (states.includes(POSITIVE)) return POSITIVE;
    if (states.every((s) => s === NEGATIVE)) return NEGATIVE;
    return OPEN;
  }

  function requirementOf(rule, group) {
    const rec = rule.recruitment_dimensions;
    if (group.length === rec.length && rec.every((d) => group.includes(d))) {
      return rule.requirements.recruitment_means;
    }
    return group[0];
  }

  function form(rule, person, present) {
    if (person.exploitation === rule.sexual_exploitation) return "sexual";
    if (person.exploitation) return "labour";
    for (const id of present) {
      if (rule.unodc_indicators[id] === rule.unodc_sexual_section) return "sexual";
    }
    return "labour";
  }

  // input: {present: [ids], ruled_out: [ids], explored: [dimensions], acts: [acts],
  //         age, child, unaccompanied, exploitation}
  function screen(rule, input) {
    const obs = {
      present: new Set(input.present || []),
      ruledOut: new Set(input.ruled_out || []),
      explored: new Set(input.explored || []),
      acts: new Set(input.acts || []),
    };
    for (const id of [...obs.present, ...obs.ruledOut]) {
      if (!known(rule, id)) throw new Error("unknown indicator " + id);
    }
    for (const id of obs.ruledOut) {
      if (obs.present.has(id)) throw new Error("indicator " + id + " is both observed and ruled out");
    }
    const child = isChild(rule, input);
    const kind = form(rule, input, obs.present);
    const dims = {};
    for (const d of rule.dimensions) dims[d] = scoreDimension(rule, d, obs, child);
    const requirements = [];
    if (child) {
      const acts = rule.acts.filter((a) => obs.acts.has(a));
      const recruited = [...obs.present].some(
        (id) => id in rule.indicators && rule.recruitment_dimensions.includes(rule.indicators[id].dimension)
      );
      requirements.push({
        requirement: rule.requirements.act,
        state: acts.length || recruited ? POSITIVE : OPEN,
      });
    }
    for (const group of child ? rule.child : rule.adult) {
      requirements.push({
        requirement: requirementOf(rule, group),
        state: groupState(group.map((d) => dims[d].state)),
      });
    }
    const states = requirements.map((r) => r.state);
    let presumption;
    if (states.every((s) => s === POSITIVE)) {
      presumption = kind === "sexual" ? rule.presumptions.sexual : rule.presumptions.labour;
    } else if (states.includes(NEGATIVE)) {
      presumption = rule.presumptions.not_established;
    } else {
      presumption = rule.presumptions.insufficient;
    }
    return {
      rule_version: rule.version,
      profile: (child ? "child" : "adult") + "_" + kind,
      is_child: child,
      form: kind,
      presumption: presumption,
      dimensions: rule.dimensions.map((d) => dims[d]),
      requirements: requirements,
    };
  }

  root.PharosRule = { screen: screen };
})(typeof self !== "undefined" ? self : this);
