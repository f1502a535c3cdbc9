// Which pods `shoal drain` evicts, as kubectl's drain filters decide: shared with the dashboard's drain
// (shared/workloads/drainFilters.ts).
export { type DrainFlags, type DrainPlan, planDrain } from '../../../shared/workloads/drainFilters.ts';
