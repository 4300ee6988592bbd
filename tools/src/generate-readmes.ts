// The READMEs' tables of services, statuses and codes, generated from the spec: each README marks a table with
// `<!-- generated:<name> -->` … `<!-- /generated:<name> -->`, and codegen rewrites what is between the markers
// (codegen:check fails when a README's table differs). Everything else in a README stays hand-written.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { JsonSchema } from './bundle.js';
import type { GeneratedFile } from './generated-file.js';
import type { SandboxModel, ServiceState } from './sandbox-model.js';
import type { ServiceDescription } from './service-list.js';
import { readErrorCodes, readGatewayErrorCodes, readOrderStatuses } from './spec-extensions.js';

/** The READMEs with generated tables (copied with the spec by tests that regenerate in a temporary tree). */
export const README_FILES = ['packages/models/README.md', 'packages/sdk/README.md', 'packages/mock/README.md'] as const;

type Tables = Record<string, () => string>;

const code = (value: string) => `\`${value}\``;
const codes = (values: readonly string[]) => (values.length > 0 ? values.map(code).join(', ') : '—');
const yes = (flag: boolean) => (flag ? 'yes' : '—');
const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

const an = (name: string) => `${/^`?[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;

/** What a service does to the sandbox's records, in words. */
function stateInWords(state: ServiceState | null, model: SandboxModel): string {
  if (!state) return "nothing is stored: the spec's example";
  const entity = model.entities[state.entity]!;
  const named = `the ${state.entity} named by ${state.key.map(code).join(' and ')}`;
  const from = state.from.length > 0 ? ` from ${state.from.map(code).join(' or ')}` : '';
  const refused = state.from.length > 0 ? `otherwise ${code(state.refusal!)}; ` : '';
  const unknown = `(${refused}unknown: ${code(entity.notFound)})`;
  const step = state.step ? `; ${state.step}: ${entity.steps[state.step]}` : '';
  switch (state.action) {
    case 'create':
      return (
        `creates ${an(state.entity)}${state.to.length > 0 ? ` in ${code(state.to[0]!)}` : ''}` +
        (state.key.length > 0 ? `; ${an(state.key.map(code).join(' and '))} used before: ${code(state.refusal!)}` : '')
      );
    case 'read':
      return `reads ${named} ${unknown}`;
    case 'update':
      return `updates ${named}${from ? `, only${from}` : ''} ${unknown}${step}`;
    case 'move':
      return `moves ${named}${from} to ${state.to.map(code).join(' or ')} ${unknown}${step}`;
    case 'list':
      return `lists the ${state.entity}s, filtered and paged by the params`;
  }
}

function tablesFor(
  services: readonly ServiceDescription[],
  bundle: JsonSchema,
  model: SandboxModel,
): Record<string, Tables> {
  const { business } = readErrorCodes(bundle);
  const gateway = readGatewayErrorCodes(bundle);
  /** A gateway refusal sent with 401 is about the token: the SDK raises it as an AuthenticationError. */
  const raisedAs = (httpStatus: number) => (httpStatus === 401 ? '`AuthenticationError`' : '`GatewayError`');
  const method = (s: ServiceDescription) => `\`${s.resource}.${s.method}()\``;
  return {
    'packages/models/README.md': {
      services: () =>
        table(
          ['service', '`retry`', '`echo`', '`moneyFields`'],
          services.map((s) => [code(s.service), code(s.retry), codes(s.echo), codes(s.moneyFields)]),
        ),
    },
    'packages/sdk/README.md': {
      methods: () =>
        table(
          ['method', 'service', 'retried', 'what it does'],
          services.map((s) => [
            method(s),
            code(s.service),
            s.retry === 'safe' ? 'yes (read-only)' : 'only if never sent',
            s.summary,
          ]),
        ),
      'order-statuses': () =>
        table(
          ['status', 'final', 'money received', 'refund', 'what it means'],
          Object.entries(readOrderStatuses(bundle)).map(([status, i]) => [
            code(status),
            yes(i.final),
            yes(i.moneyReceived),
            yes(i.refund),
            i.meaning,
          ]),
        ),
      'error-codes': () =>
        table(
          ['code', 'HTTP status', 'raised as', 'meaning'],
          [
            ...Object.entries(gateway).map(([c, info]) => [
              code(c),
              String(info.httpStatus),
              `${raisedAs(info.httpStatus)} (\`code\`)`,
              info.meaning,
            ]),
            ...Object.entries(business).map(([c, meaning]) => [
              code(c),
              '200',
              '`BusinessError` (`errorCode`)',
              meaning,
            ]),
          ],
        ),
    },
    'packages/mock/README.md': {
      'sandbox-state': () =>
        table(
          ['service', 'what the sandbox does (spec: `x-codepay-state`)'],
          services.map((s) => [code(s.service), stateInWords(model.states[s.service] ?? null, model)]),
        ),
      'sandbox-refusals': () =>
        table(
          ['code', 'when', '`errorMessage` (en-US)'],
          Object.entries(model.messages).map(([c, messages]) => [
            c,
            (business[c] ?? '').replace(/^Sandbox \(decided\): /, ''),
            messages['en-US'] ?? '',
          ]),
        ),
    },
  };
}

/** `content` with the text between each pair of markers replaced by its table; a lone marker is an error. */
export function fillTables(file: string, content: string, tables: Tables): string {
  let filled = content;
  for (const [name, make] of Object.entries(tables)) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = filled.indexOf(open);
    const end = filled.indexOf(close);
    if (start < 0 || end < start)
      throw new Error(`${file}: the markers ${open} … ${close} are missing; put them where the table goes`);
    filled = `${filled.slice(0, start + open.length)}\n${make()}\n${filled.slice(end)}`;
  }
  return filled;
}

export function generateReadmeTables(
  root: string,
  services: readonly ServiceDescription[],
  bundle: JsonSchema,
  model: SandboxModel,
): GeneratedFile[] {
  return Object.entries(tablesFor(services, bundle, model)).map(([file, tables]) => {
    const absolute = path.join(root, file);
    if (!existsSync(absolute)) throw new Error(`${file} is missing: its tables are generated into it`);
    return { path: file, content: fillTables(file, readFileSync(absolute, 'utf8'), tables) };
  });
}
