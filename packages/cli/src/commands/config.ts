// `vigil config`: the effective configuration with secrets masked, every problem, and warnings
// for unknown VIGIL_* variables. `--markdown` prints the README's configuration table.

import { checkConfig, describeConfig, renderConfigTable, shortTokenWarnings, unknownVariableWarnings } from '@vigil/config';
import { VigilError } from '@vigil/contract';
import { CONFIG_SECTIONS } from '../config-sections';
import type { CommandIo } from '../io';

export const HELP = `usage: vigil config [--markdown]

Prints the effective configuration, section by section, with secrets masked; every invalid
variable as an error (exit 1) and unknown VIGIL_* variables as warnings.
  --markdown  the configuration reference table, as in README.md
`;

export async function run(args: string[], io: CommandIo): Promise<number> {
  const unknown = args.find((arg) => arg !== '--markdown');
  if (unknown !== undefined) throw new VigilError('VIGIL_CLI_USAGE', `usage: vigil config [--markdown] (got "${unknown}")`);
  if (args.includes('--markdown')) {
    io.stdout.write(renderConfigTable(CONFIG_SECTIONS));
    return 0;
  }
  let problems = 0;
  for (const { title, schema } of CONFIG_SECTIONS) {
    const checked = checkConfig(schema, io.env);
    io.stdout.write(`# ${title}\n`);
    for (const [name, value] of describeConfig(schema, checked.config)) io.stdout.write(`${name}=${value}\n`);
    io.stdout.write('\n');
    for (const p of checked.problems) io.stderr.write(`error: ${p.message}\n`);
    problems += checked.problems.length;
  }
  const schemas = CONFIG_SECTIONS.map((s) => s.schema);
  for (const w of [...unknownVariableWarnings(io.env, schemas), ...shortTokenWarnings(io.env, schemas)]) io.stderr.write(`warning: ${w}\n`);
  return problems === 0 ? 0 : 1;
}
