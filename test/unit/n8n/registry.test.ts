// The test registry (test/helpers/registry.ts) against what n8n actually loads: package.json's `n8n`
// section. A provider whose credential or node is missing from either side fails here.
import { readFileSync } from 'node:fs';
import { join, parse } from 'node:path';

import { CREDENTIALS, NODES, PACKAGE_NAME, registeredCredential } from '../../helpers/registry.ts';

const ROOT = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; n8n: { credentials: string[]; nodes: string[] } };

/** What n8n loads for a `dist/….js` entry: the class named like the file up to its first dot, here from the source. */
async function classOf(distPath: string): Promise<unknown> {
	const source = distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts');
	const className = parse(distPath).name.split('.')[0];
	const exports = (await import(join(ROOT, source))) as Record<string, unknown>;
	return exports[className];
}

describe('the test registry', () => {
	it("names node types with package.json's name", () => {
		expect(PACKAGE_NAME).toBe(manifest.name);
		for (const { type, node } of NODES) expect(type).toBe(`${manifest.name}.${node.description.name}`);
	});

	it.each(manifest.n8n.credentials)('has the credential %s', async (path) => {
		expect(CREDENTIALS.map((entry) => entry.credentialClass)).toContain(await classOf(path));
	});

	it.each(manifest.n8n.nodes)('has the node %s', async (path) => {
		expect(NODES.map((entry) => entry.nodeClass)).toContain(await classOf(path));
	});

	it('lists nothing package.json does not ship, and nothing twice', () => {
		expect(CREDENTIALS).toHaveLength(manifest.n8n.credentials.length);
		expect(NODES).toHaveLength(manifest.n8n.nodes.length);
		expect(new Set(CREDENTIALS.map((entry) => entry.name)).size).toBe(CREDENTIALS.length);
		expect(new Set(NODES.map((entry) => entry.type)).size).toBe(NODES.length);
	});

	it('has every credential type a registered node asks for, under the same provider', () => {
		for (const { provider, node } of NODES) {
			for (const { name } of node.description.credentials ?? []) expect(registeredCredential(name).provider).toBe(provider);
		}
	});
});
