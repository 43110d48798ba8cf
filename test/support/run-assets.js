'use strict';
/**
 * What the e2e files of one jest run share, made once per run by the first file that needs it
 * (under a lock, since files may run in parallel workers): the packed package and, per n8n version
 * and install kind, an n8n home with the package installed and its database migrated. A file then
 * copies that home (milliseconds) instead of packing, installing and migrating (about 5 s each).
 * The run's folder is $FXIAOKE_TEST_RUN_DIR, made by global-setup.js and removed by
 * global-teardown.js; without it (a script outside jest) callers pack and install their own.
 */
const fs = require('node:fs');
const path = require('node:path');

const { packPackage, createN8nHome, runN8nOk, withLock } = require('./n8n');

const RUN_DIR = process.env.FXIAOKE_TEST_RUN_DIR;

/** @param {string} name @param {() => Promise<void>} make  makes `${RUN_DIR}/${name}` once per run */
async function once(name, make) {
	const target = path.join(/** @type {string} */ (RUN_DIR), name);
	const ready = `${target}.ready`;
	if (fs.existsSync(ready)) return target;
	await withLock(`run-${path.basename(/** @type {string} */ (RUN_DIR))}-${name}`, async () => {
		if (fs.existsSync(ready)) return;
		fs.rmSync(target, { recursive: true, force: true });
		await make();
		fs.writeFileSync(ready, new Date().toISOString());
	});
	return target;
}

/** The run's packed package, or undefined outside a jest run. @returns {Promise<string | undefined>} */
async function sharedTgz() {
	if (!RUN_DIR) return undefined;
	const dir = await once('pack', async () => {
		await packPackage({ dest: path.join(/** @type {string} */ (RUN_DIR), 'pack') });
	});
	const [file] = fs.readdirSync(dir).filter((f) => f.endsWith('.tgz'));
	return path.join(dir, file);
}

/**
 * A migrated n8n home with the run's package, to copy (createN8nHome's `from`); undefined outside a run.
 * @param {{ version: string, installAs?: 'custom'|'communityNodes' }} opts
 * @returns {Promise<string | undefined>}
 */
async function homeTemplate({ version, installAs = 'custom' }) {
	const tgz = await sharedTgz();
	if (!tgz) return undefined;
	return await once(`home-${version}-${installAs}`, async () => {
		const dir = path.join(/** @type {string} */ (RUN_DIR), `home-${version}-${installAs}`);
		const home = await createN8nHome({ dir, tgz, version, installAs });
		// any command migrates the database (n8n runs its migrations before each command)
		await runN8nOk(home, ['list:workflow']);
	});
}

module.exports = { sharedTgz, homeTemplate };
