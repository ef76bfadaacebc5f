// What the user reads once n8n is ready: where to go, how to log in, what to open first.
import { join } from 'node:path';

import { FIRST_EXAMPLE, exampleWorkflowId } from './examples.ts';
import type { StartOptions } from './options.ts';
import type { Session } from './session.ts';
import { shortPath } from './session.ts';

export function banner(session: Session, options: StartOptions, seconds: number): string {
	const firstUrl = `${session.editorUrl}/workflow/${exampleWorkflowId(FIRST_EXAMPLE)}`;
	const servers = session.servers.map(({ provider, server }) => `  ${provider.padEnd(12)} ${server.url}  (${server.origin === 'simulator' ? 'bundled simulator' : `from ${server.origin}`})`);
	return [
		'',
		`n8n 2.41.1 with n8n-nodes-genflows is ready (${seconds} s).`,
		'',
		`  Editor       ${session.editorUrl}`,
		`  Login        ${options.owner.email}  /  ${options.owner.password}`,
		...servers,
		'',
		'Open first: "Visionatrix: daily image to disk (schedule)"',
		`  ${firstUrl}`,
		'  Click "Execute workflow", then double-click "Generate Image" to see the picture it made.',
		`  The other examples are under Overview; what they write lands in ${shortPath(join(session.state.filesFolder, 'genflows'))}/.`,
		...session.notes.map((note) => `  Note: ${note}`),
		`  Sample photo for the remove-background example: ${session.photo.url}`,
		`  (the Flowscale webhook example takes it as "photoUrl" in the POSTed JSON)`,
		'',
		`State (workflows, executions, credentials) is kept in ${shortPath(session.state.path)}/; npm start -- --fresh starts over.`,
		'Ctrl-C stops n8n and the simulators.',
		'',
	].join('\n');
}
