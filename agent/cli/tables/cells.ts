// Cell formats kubectl shares between kinds: label maps, containers and images, selectors.
import type { LabelSelector } from '../../../shared/model/selector.ts';
import { formatLabelSelector } from '../../../shared/model/selector.ts';
import type { PodTemplate } from '../../../shared/model/types.ts';

export { formatLabels } from '../../../shared/display/labels.ts';

/** The CONTAINERS and IMAGES cells of wide workload tables. */
export function containerCells(template: PodTemplate | undefined): [string, string] {
  const containers = template?.spec.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
}

/** A workload's SELECTOR cell: `app=web`, empty when it has none. */
export function selectorCell(selector: LabelSelector | undefined): string {
  const s = formatLabelSelector(selector);
  return s === '<none>' ? '' : s;
}

export function orNone(value: string | undefined): string {
  return value === undefined || value === '' ? '<none>' : value;
}
