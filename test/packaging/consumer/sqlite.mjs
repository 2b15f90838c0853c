// Opens the SQLite store from the installed package: on Node 22.13+ it must run on node:sqlite with no
// binding installed; on older Node without @photostructure/sqlite it must say what to install.
import { createSqliteStore } from '@wearhook/core/stores';

try {
  const store = await createSqliteStore({ filename: process.argv[2] });
  console.log(JSON.stringify({ driver: store.driver }));
  await store.close();
} catch (error) {
  console.log(JSON.stringify({ error: error.message }));
}
