/**
 * Starts a fileBatch the one way every starter (CLI, SQS poller) must: only a failed run of the
 * same id may run again, a running one is joined, and a completed one is left as it is.
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { FileBatchInput } from '../workflows/file-batch-types';
import { fileBatch } from '../workflows/file-batch';

/** The handle of the batch's run: newly started, already running, or completed earlier. */
export async function startFileBatch(
  client: Client,
  workflowId: string,
  taskQueue: string,
  input: FileBatchInput,
): Promise<WorkflowHandle> {
  return (await startOrFindFileBatch(client, workflowId, taskQueue, input)).handle;
}

/** As startFileBatch, saying whether the batch had completed before this call (its result is then an earlier run's). */
export async function startOrFindFileBatch(
  client: Client,
  workflowId: string,
  taskQueue: string,
  input: FileBatchInput,
): Promise<{ handle: WorkflowHandle; completedEarlier: boolean }> {
  try {
    const handle = await client.workflow.start(fileBatch, {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
    return { handle, completedEarlier: false };
  } catch (error) {
    // Completed earlier: the reuse policy refuses a new run, and its recorded result stands.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return { handle: client.workflow.getHandle(workflowId), completedEarlier: true };
  }
}
