// `vigil config`: the effective configuration with secrets masked, every problem, and warnings
// for unknown VIGIL_* variables. `--markdown` prints the README's configuration table.

import { checkConfig, describeConfig, renderConfigTable, unknownVariableWarnings } from '@vigil/config';
import { CONFIG_SECTIONS } from '../config-sections';
import type { CommandIo } from '../io';

export async function run(args: string[], io: CommandIo): Promise<number> {
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
  for (const w of unknownVariableWarnings(io.env, CONFIG_SECTIONS.map((s) => s.schema))) io.stderr.write(`warning: ${w}\n`);
  return problems === 0 ? 0 : 1;
}
