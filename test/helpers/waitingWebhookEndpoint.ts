// Plays n8n's waiting-webhook endpoint for one parked execution: each POST to
// `/webhook-waiting/1?signature=<token>/task-progress` becomes a call of the node's webhook(),
// and the first answer with workflowData resumes it. Used by the callback tests and the bench.
import type { Server } from 'node:http';
import { createServer } from 'node:http';

import type { ICredentialDataDecryptedObject, INodeType, IWebhookResponseData } from 'n8n-workflow';

import type { ParkedExecution } from './n8nContext.ts';
import { webhookContext } from './n8nContext.ts';

const TOKEN = 'f00d';

export class WaitingWebhookEndpoint {
	readonly answers: IWebhookResponseData[] = [];
	/** How long each webhook() call took, ms: the time n8n spends on callbacks. */
	readonly callDurationsMs: number[] = [];
	private server?: Server;
	private resumed!: (answer: IWebhookResponseData) => void;
	readonly resumedWith = new Promise<IWebhookResponseData>((resolve) => (this.resumed = resolve));

	constructor(
		private readonly node: INodeType,
		private readonly credentials: ICredentialDataDecryptedObject,
		readonly parked: ParkedExecution,
		private readonly parameters: Record<string, unknown>,
	) {}

	/** Listens on 127.0.0.1; resolves with the resume URL to hand to execute(). */
	async start(): Promise<string> {
		const server = createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', async () => {
				const signature = new URL(request.url!, 'http://n8n').searchParams.get('signature');
				if (signature !== `${TOKEN}/task-progress`) {
					response.writeHead(401).end();
					return;
				}
				const answer = await this.deliver(JSON.parse(Buffer.concat(chunks).toString()));
				response.writeHead(200).end();
				if (answer.workflowData) this.resumed(answer);
			});
		});
		this.server = server;
		await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
		return `http://127.0.0.1:${(server.address() as { port: number }).port}/webhook-waiting/1?signature=${TOKEN}`;
	}

	/** One call of the node's webhook(), as n8n makes it for a waiting execution. */
	async deliver(body: unknown): Promise<IWebhookResponseData> {
		const { context } = webhookContext({ credentials: this.credentials, parameters: this.parameters, parked: this.parked, body });
		const started = performance.now();
		const answer = await this.node.webhook!.call(context);
		this.callDurationsMs.push(performance.now() - started);
		this.answers.push(answer);
		return answer;
	}

	close(): Promise<void> {
		return new Promise((closed) => (this.server ? this.server.close(() => closed()) : closed()));
	}
}
