"""What-if analysis at scale: experiment designs, runs on local processes or Ray, global
sensitivity (SALib), scenario discovery (PRIM) and robustness of interventions (regret)."""
