/** Temporal UI addresses in status output: configured or the embedded server's, never with a secret. */
import { expect, test } from 'vitest';
import { temporalUiBase, workflowUiUrl } from '../../cli/temporal-ui';

test('the flag wins over the environment, which wins over the embedded dev server', () => {
  expect(
    temporalUiBase('https://ui.example/', 'http://127.0.0.1:8233', { LOADOUT_TEMPORAL_UI: 'https://env.example' }),
  ).toBe('https://ui.example');
  expect(temporalUiBase(undefined, 'http://127.0.0.1:8233', { LOADOUT_TEMPORAL_UI: 'https://env.example' })).toBe(
    'https://env.example',
  );
  expect(temporalUiBase(undefined, 'http://127.0.0.1:8233', {})).toBe('http://127.0.0.1:8233');
  expect(temporalUiBase(undefined, undefined, {})).toBeUndefined();
});

test.each(['ftp://ui.example', 'not a url', 'https://admin:hunter2@ui.example'])(
  '%s is refused without echoing it',
  (bad) => {
    expect(() => temporalUiBase(bad, undefined, {})).toThrow(/--temporal-ui or LOADOUT_TEMPORAL_UI/);
    expect(() => temporalUiBase(bad, undefined, {})).not.toThrow(/hunter2/);
  },
);

test('a run links to its history; ids are URL-encoded', () => {
  expect(workflowUiUrl('https://ui.example', 'prod ns', 'loadout-filebatch-p-1/x', 'r-1')).toBe(
    'https://ui.example/namespaces/prod%20ns/workflows/loadout-filebatch-p-1%2Fx/r-1/history',
  );
  expect(workflowUiUrl('https://ui.example', 'default', 'w')).toBe('https://ui.example/namespaces/default/workflows/w');
  expect(workflowUiUrl(undefined, 'default', 'w')).toBeUndefined();
});
