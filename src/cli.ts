/** `bank-pay-session <command>`: the package's command line. */

export {};

const USAGE = `Usage: bank-pay-session <command> [options]

Commands:
  sandbox   run the local Flinks Pay v2 provider sandbox (default port 4010)
  relay     run the merchant relay on Node (default port 8787), configured from BPS_* variables

Run "bank-pay-session <command> --help" for a command's options.`;

const [command, ...args] = process.argv.slice(2);

switch (command) {
  case 'sandbox': {
    const { runSandboxCli } = await import('./sandbox/cli.js');
    await runSandboxCli(args);
    break;
  }
  case 'relay': {
    const { runRelayCli } = await import('./relay/cli.js');
    await runRelayCli(args);
    break;
  }
  case undefined:
  case '--help':
  case '-h':
  case 'help':
    console.log(USAGE);
    break;
  default:
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    process.exitCode = 2;
}
