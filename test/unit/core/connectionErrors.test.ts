import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { connectionErrorFrom } from '../../../nodes/shared/core/errors.ts';
import { toNodeError } from '../../../nodes/shared/n8n/errors.ts';

/** What undici throws: `TypeError: fetch failed` with the socket error as its cause. */
function undiciFailure(code: string, message = `${code} something`): TypeError {
	return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });
}

const node: INode = { id: '1', name: 'Visionatrix Task', type: 'n8n-nodes-genflows.visionatrixTask', typeVersion: 1, position: [0, 0], parameters: {} };

describe('connectionErrorFrom', () => {
	it('says in words what happened, and keeps the code out of the message', () => {
		const refused = connectionErrorFrom(undiciFailure('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8288'));
		expect(refused).toMatchObject({ phase: 'connect', code: 'ECONNREFUSED', reason: 'connection refused', retryable: true });
		const reset = connectionErrorFrom(undiciFailure('ECONNRESET', 'read ECONNRESET'));
		expect(reset).toMatchObject({ phase: 'transfer', code: 'ECONNRESET', reason: 'the connection was reset' });
		expect(reset.message).not.toMatch(/ECONN/);
	});

	// n8n replaces any NodeApiError message that holds "ECONNRESET" with "… You can retry the request
	// immediately", which invites a duplicate job after a lost create answer.
	it('gives n8n a message it shows as it is', () => {
		const reset = connectionErrorFrom(undiciFailure('ECONNRESET'));
		reset.message = `No answer from Visionatrix at http://gpu:8288 (${reset.reason}) for PUT /vapi/tasks/create/sdxl_lighting`;
		const shown = toNodeError(node, reset, 0);
		expect(shown).toBeInstanceOf(NodeApiError);
		expect(shown.message).toBe('No answer from Visionatrix at http://gpu:8288 (the connection was reset) for PUT /vapi/tasks/create/sdxl_lighting');
	});

	it("reads Deno's words, which come without a code", () => {
		const refused = new TypeError('error sending request for url (http://127.0.0.1:1/x): client error (Connect): tcp connect error: Connection refused (os error 111)');
		expect(connectionErrorFrom(refused)).toMatchObject({ phase: 'connect', reason: 'connection refused', retryable: true });
		const reset = new TypeError('error sending request for url (http://127.0.0.1:1/x): client error (SendRequest): connection closed before message completed');
		expect(connectionErrorFrom(reset)).toMatchObject({ phase: 'transfer', reason: 'the connection was closed' });
	});

	it('knows TLS spoken to a plain-HTTP port, and does not call it retryable', () => {
		const undici = undiciFailure('ERR_SSL_WRONG_VERSION_NUMBER', 'C0B7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number');
		expect(connectionErrorFrom(undici)).toMatchObject({ reason: expect.stringContaining('does not speak TLS'), retryable: false });
		// Deno's words for the same thing.
		expect(connectionErrorFrom(new TypeError('client error (Connect): received corrupt message of type InvalidContentType'))).toMatchObject({ retryable: false });
	});

	it('knows a refused certificate and points to the credential option', () => {
		const error = connectionErrorFrom(undiciFailure('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'));
		expect(error).toMatchObject({ retryable: false, reason: expect.stringContaining('self-signed'), hint: expect.stringContaining('Ignore SSL Issues') });
	});

	it('never repeats a password that a runtime quoted', () => {
		const error = connectionErrorFrom(new TypeError('Request cannot be constructed from a URL that includes credentials: http://admin:secret@host:8288/vapi/flows/installed'));
		expect(error.retryable).toBe(false);
		expect(JSON.stringify({ message: error.message, reason: error.reason })).not.toContain('secret');
	});
});

describe('toNodeError', () => {
	it('reports a possibly created job as an operation error whose text n8n keeps', async () => {
		const { UncertainSubmissionError } = await import('../../../nodes/shared/core/errors.ts');
		const message = 'The answer to creating a Visionatrix task of flow "x" was lost (the connection was reset) after the request may have reached the server, and no task with these inputs was found.';
		const shown = toNodeError(node, new UncertainSubmissionError(message, { hint: 'Look for it.' }), 3);
		expect(shown).toBeInstanceOf(NodeOperationError);
		expect(shown).toMatchObject({ message, description: 'Look for it.', context: { itemIndex: 3 } });
	});
});
