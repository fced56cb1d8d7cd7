import { main } from './program.ts';

// Exit explicitly: long-lived commands (serve) await their own shutdown, and no stray handle
// (a pooled socket, a DuckDB instance) should keep a finished command alive.
const code = await main(process.argv);
process.exit(code);
