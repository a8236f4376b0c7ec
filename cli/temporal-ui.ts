/** Addresses of workflows in the Temporal UI, for output that points a person at a failure. */

/**
 * The UI's base address: `--temporal-ui` or LOADOUT_TEMPORAL_UI for an external cluster (e.g.
 * https://cloud.temporal.io or http://temporal-ui:8080), else the embedded dev server's UI.
 * Undefined when neither is known: output then says the UI address is not configured.
 */
export function temporalUiBase(
  flag: unknown,
  embeddedUi: string | undefined,
  environment: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const configured = typeof flag === 'string' && flag !== '' ? flag : environment.LOADOUT_TEMPORAL_UI || undefined;
  if (configured !== undefined) {
    const url = URL.canParse(configured) ? new URL(configured) : undefined;
    if (!url || !/^https?:$/.test(url.protocol))
      throw new Error('the Temporal UI address is not an http(s) URL: fix --temporal-ui or LOADOUT_TEMPORAL_UI');
    // Status output is pasted into tickets and chats: the address must not carry a secret.
    if (url.username || url.password)
      throw new Error(
        'the Temporal UI address holds a user name or password: give --temporal-ui or LOADOUT_TEMPORAL_UI without them',
      );
  }
  return (configured ?? embeddedUi)?.replace(/\/+$/, '');
}

/** A run's history page; without a run id, the workflow's page (the UI opens its latest run). */
export function workflowUiUrl(
  base: string | undefined,
  namespace: string,
  workflowId: string,
  runId?: string,
): string | undefined {
  if (base === undefined) return undefined;
  const workflow = `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${workflow}/${encodeURIComponent(runId)}/history` : workflow;
}
