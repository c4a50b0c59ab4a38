/** A coordinator override the plan cannot honour; `override` names it, like `pins[0]`. */
export interface OverrideConflict {
  override: string;
  message: string;
}

export class OverrideConflictError extends Error {
  override name = 'OverrideConflictError';
  readonly conflicts: OverrideConflict[];

  constructor(conflicts: OverrideConflict[]) {
    super(conflicts.map((conflict) => `${conflict.override}: ${conflict.message}`).join('\n'));
    this.conflicts = conflicts;
  }
}
