// A ValidatorApi for the host tests, built from real shared parts (config validation, rules, an event emitter).
// Commands a test doesn't need throw, so a route that reaches the wrong command fails loudly.
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { COMMAND_NAMES, type CommandInput, type EventName, type EventPayload, type ValidatorApi } from '../../../shared/api';
import { DEFAULT_CONFIG, applyConfigPatch } from '../../../shared/config';
import { DEFAULT_RULES } from '../../../shared/rules';

export interface TestApi {
  api: ValidatorApi;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Inputs each command received, in order. */
  calls: Array<{ name: string; input: unknown }>;
}

export function testApi(exportPath?: string): TestApi {
  const bus = new EventEmitter();
  const calls: TestApi['calls'] = [];
  let config = DEFAULT_CONFIG;
  const notHere = Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      async (input: unknown) => {
        calls.push({ name, input });
        throw new Error(`${name} is not part of this test`);
      },
    ]),
  ) as unknown as ValidatorApi;
  const api: ValidatorApi = {
    ...notHere,
    async getConfig() {
      return config;
    },
    async updateConfig(input) {
      calls.push({ name: 'updateConfig', input });
      const before = config;
      config = applyConfigPatch(config, input.patch);
      return { before, after: config };
    },
    async getRules() {
      return [...DEFAULT_RULES];
    },
    async previewBatch(input: CommandInput<'previewBatch'>) {
      calls.push({ name: 'previewBatch', input });
      if (input.file.kind !== 'path') throw new Error('the host must hand the Api paths only');
      const header = (await readFile(input.file.path, 'utf8')).split('\n')[0] ?? '';
      const columns = header.split(',');
      return {
        fileName: 'batch.csv',
        format: 'csv',
        encoding: 'utf-8',
        rowCount: 0,
        columns,
        mapping: [],
        firstRows: [],
        problems: [],
        problemCount: 0,
        attachments: null,
        refusal: null,
        refusalCode: null,
      };
    },
    async exportResults(input) {
      calls.push({ name: 'exportResults', input });
      if (!exportPath) throw new Error('no export in this test');
      return { path: exportPath, fileName: 'results.csv', bytes: 0, rows: 0 };
    },
    on(event, fn) {
      bus.on(event, fn as (p: unknown) => void);
      return () => bus.off(event, fn as (p: unknown) => void);
    },
  };
  return { api, calls, emit: (event, payload) => bus.emit(event, payload) };
}
