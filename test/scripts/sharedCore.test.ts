import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// The command line and the n8n nodes must run one copy of the provider code, not two.
const DIST = join(__dirname, '../../dist');

function requiredFiles(builtFile: string): string[] {
	const code = readFileSync(join(DIST, builtFile), 'utf8');
	return [...code.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)].map((match) => resolve(dirname(join(DIST, builtFile)), match[1]));
}

describe('one provider core', () => {
	it('the built CLI and the built n8n glue load the same Visionatrix provider file', () => {
		const provider = join(DIST, 'nodes/shared/providers/visionatrix/api.js');
		expect(requiredFiles('scripts/cli/providers/visionatrix.js')).toContain(provider);
		expect(requiredFiles('nodes/VisionatrixTask/client.js')).toContain(provider);
	});
});
