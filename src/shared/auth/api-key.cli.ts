/** `npm run api-key -- <owner> <role[+role]> [key]`: see api-key.command.ts. */
import { apiKeyCommand } from './api-key.command.js';

const outcome = apiKeyCommand(process.argv.slice(2));
for (const line of outcome.stdout) console.log(line);
for (const line of outcome.stderr) console.error(line);
process.exitCode = outcome.exitCode;
