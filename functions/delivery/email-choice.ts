import type { MediumAdapter } from './port.ts';

/**
 * The e-mail adapter chosen before the handler runs (functions/delivery/install-smtp.ts, AWS
 * China): an adapter, null for no e-mail at all, undefined when nothing was chosen (SES).
 */
let chosen: MediumAdapter | null | undefined;

export function chooseEmailAdapter(adapter: MediumAdapter | null): void {
  chosen = adapter;
}

export function chosenEmailAdapter(): MediumAdapter | null | undefined {
  return chosen;
}
