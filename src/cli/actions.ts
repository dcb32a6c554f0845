/** Resolving an action id given on the command line. */
import { actionIds, getAction, type ActionDeclaration } from '../contract/manifest.js';
import { UsageError } from './errors.js';

export function actionFromArgument(command: string, id: string): ActionDeclaration {
  if (!actionIds.includes(id)) {
    throw new UsageError(`Unknown action ${JSON.stringify(id)}. Known actions: ${actionIds.join(', ')} (see: retest-connectors list).`, command);
  }
  return getAction(id);
}
