/**
 * The SARIF 2.1.0 log csrl writes its reports in (`lint`, `doctor`): one run
 * of the tool `csrl` with its rules, its results, the folder relative URIs
 * start from, and one invocation. Each report fills in what it differs in.
 */
import { pathToFileURL } from 'node:url';

export interface SarifRun {
  toolVersion: string;
  informationUri: string;
  rules: unknown[];
  /** The `uriBaseId` the results' relative URIs name, and the folder it stands for. */
  baseId: string;
  baseFolder: string;
  /** Properties of the run between its URI base and its results (artifacts, columnKind). */
  extra?: Record<string, unknown>;
  results: unknown[];
  invocation: { executionSuccessful: boolean; exitCode: number; toolExecutionNotifications: unknown[] };
}

export function sarifLog(run: SarifRun) {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'csrl', semanticVersion: run.toolVersion, version: run.toolVersion, informationUri: run.informationUri, rules: run.rules } },
        originalUriBaseIds: { [run.baseId]: { uri: pathToFileURL(run.baseFolder.endsWith('/') ? run.baseFolder : run.baseFolder + '/').href } },
        ...run.extra,
        results: run.results,
        invocations: [run.invocation],
      },
    ],
  };
}
