#!/usr/bin/env node
// The `listener-leak` command: picks the command named by the first argument and hands it the rest.
import { packageInfo } from '../package-info.js';
import { ExitCode, processOutput, type Command, type Output } from './command.js';
import { codemodCommand } from './codemod.js';
import { demoCommand } from './demo.js';
import { scanCommand } from './scan.js';

// Help and dispatch read this list.
const commands: readonly Command[] = [scanCommand, codemodCommand, demoCommand];

function helpText(): string {
  const width = Math.max(...commands.map((command) => command.synopsis.length));
  const list = commands.map((command) => `  ${command.synopsis.padEnd(width)}  ${command.summary}`).join('\n');
  return `${packageInfo.name} ${packageInfo.version}: find event-listener leaks in Node.js services

Usage: listener-leak <command> [options]
       listener-leak <command> --help

Commands:
${list}

Options:
  -h, --help     Show this help
  -v, --version  Print the version
`;
}

async function main(args: readonly string[], output: Output): Promise<ExitCode> {
  const [name, ...rest] = args;
  if (name === undefined) {
    // A bare `listener-leak` (a script whose command name came out empty) did nothing it was asked: say so.
    output.err(`listener-leak: name a command.\n\n${helpText()}`);
    return ExitCode.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    output.out(helpText());
    return ExitCode.ok;
  }
  if (name === '--version' || name === '-v') {
    output.out(`${packageInfo.version}\n`);
    return ExitCode.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    const what = name.startsWith('-') ? 'option' : 'command';
    output.err(
      `listener-leak: unknown ${what} '${name}'. Commands: ${commands.map((c) => c.name).join(', ')}.\n` +
        `Run 'listener-leak --help' for usage.\n`,
    );
    return ExitCode.usage;
  }
  return command.run(rest, output);
}

// A reader that stops early (`listener-leak demo | head`) closes the pipe: stop quietly, as other CLIs do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok);
});

const output = processOutput();
main(process.argv.slice(2), output).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug in listener-leak itself: show everything that helps reporting it.
    output.err(`listener-leak: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = ExitCode.usage;
  },
);
