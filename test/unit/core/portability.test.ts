import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The core and the provider modules run unchanged in n8n, Node and Deno: web-standard APIs
// only, no timers of their own, and relative imports that name the .ts file.
const ROOT = join(__dirname, '../../..');
const SHARED_DIRS = ['nodes/shared/core', 'nodes/shared/providers'];

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

const files = SHARED_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)));
const FORBIDDEN: Array<[RegExp, string]> = [
	[/from ['"]node:/, 'a node: import'],
	[/from ['"]n8n-(workflow|core)['"]/, 'an n8n import'],
	[/\bprocess\./, 'process'],
	[/\bDeno\./, 'Deno'],
	[/\bBuffer\b/, 'Buffer'],
	[/\bset(Timeout|Interval|Immediate)\(/, 'a timer'],
	[/\bconsole\./, 'console'],
];

describe('the shared core is runtime-neutral', () => {
	it('has files to check', () => {
		expect(files.length).toBeGreaterThan(10);
	});

	it.each(files.map((file) => [relative(ROOT, file), file]))('%s uses web-standard APIs only', (_name, file) => {
		const code = readFileSync(file, 'utf8')
			.split('\n')
			.filter((line) => !/^\s*(\/\/|\*)/.test(line))
			.join('\n');
		const found = FORBIDDEN.filter(([pattern]) => pattern.test(code)).map(([, what]) => what);
		expect(found).toEqual([]);
		const relativeImports = [...code.matchAll(/from ['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]);
		expect(relativeImports.filter((path) => !path.endsWith('.ts'))).toEqual([]);
	});
});
