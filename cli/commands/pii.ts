/** `loadout pii export --player ID`: a subject access request, answered from the warehouse, the store and the lake. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerPii(program: Command): void {
  const pii = program.command('pii').description('personal data (docs/personal-data.md)');
  withConfigFlags(
    pii
      .command('export')
      .description(
        "every row of a player across tables, the clear values decrypted, and the lake files holding the player's records",
      ),
  )
    .requiredOption('--player <id>', 'the player id, in clear')
    .option('--json', 'print one JSON document')
    .action(lazyAction(() => import('../actions/pii'), 'exportCommand'));
}
