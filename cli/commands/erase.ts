/**
 * `loadout erase --player ID [--rewrite-raw]`: a player's erasure, run as the `erasure` workflow
 * under the player's pseudonym (computed here from the key ring: the id never leaves this process).
 */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerErase(program: Command): void {
  withConfigFlags(
    program
      .command('erase')
      .description(
        "erase a player: record the erasure (later batches drop the player's records), remove the player's records from the lake's files and rows from every table and the personal-data store",
      ),
  )
    .requiredOption('--player <id>', 'the player id, in clear (only its pseudonym leaves this process)')
    .option('--rewrite-raw', "also rewrite the raw objects holding the player's records (changes their etags)")
    .option('--json', 'print one JSON document on stdout')
    .action(lazyAction(() => import('../actions/erase'), 'eraseCommand'));
}
