// What the wrapper makes of its ComfyUI's events: session fields for /api/status and messages to
// the client's socket. The sibling's rules: only the session's current prompt counts, progress by
// the chosen formula, `executing {node: null}` marks it completed, the result image comes only from
// a later /history look-up (when the queue empties, for every session the wrapper ever queued
// for, so earlier sessions get their result again), `execution_error` marks it failed.
import type { TimerSet } from '../shared/timers.ts';
import type { Comfy, ComfyEvents, ComfyPrompt } from './comfy.ts';
import type { WsMessage } from './messages.ts';
import { doneMessage, errorMessage, nodeMessages, resultMessage } from './messages.ts';
import type { ResolvedOptions } from './options.ts';
import type { Session, SessionStore } from './sessions.ts';
import type { StatusContext } from './status.ts';
import { totalNodes } from './status.ts';
import type { WsMessageRecord } from './types.ts';
import { nodeInfo } from './workflow.ts';

export interface BridgeConfig {
	options: ResolvedOptions;
	status: StatusContext;
	store: SessionStore;
	timers: TimerSet;
	comfy(): Comfy;
	/** Writes a message to the clientId's sockets; returns how many. */
	send(clientId: string, message: WsMessage): number;
}

export class Bridge implements ComfyEvents {
	readonly messages: WsMessageRecord[] = [];
	perNodeEvents: boolean;
	private resultsToDrop = 0;

	constructor(private readonly config: BridgeConfig) {
		this.perNodeEvents = config.options.perNodeEvents;
	}

	dropNextResult(count: number): void {
		this.resultsToDrop += count;
	}

	/** The session whose current prompt this is; undefined for a forgotten session or a superseded prompt. */
	private sessionOf(prompt: ComfyPrompt): Session | undefined {
		const session = this.config.store.get(prompt.sessionId);
		return session?.promptId === prompt.promptId ? session : undefined;
	}

	private send(session: Session, message: WsMessage, drop = false): void {
		const delivered = drop ? 0 : this.config.send(session.clientId, message);
		this.messages.push({ clientId: session.clientId, type: message.type, data: message.data, at: Date.now(), delivered, dropped: drop });
	}

	private progressOf(session: Session, node: string): number {
		if (this.config.options.progressFormula === 'executed') {
			const total = totalNodes(session, this.config.status);
			return total ? Math.round((session.executedNodes.size / total) * 100) : 0;
		}
		const id = Number.parseInt(node, 10);
		if (Number.isNaN(id)) return 50;
		const highest = Math.max(...Object.keys(this.config.status.loaded.workflow).map((key) => Number.parseInt(key, 10)).filter((key) => !Number.isNaN(key)));
		return Math.round((id / highest) * 100);
	}

	executing(prompt: ComfyPrompt, node: string | null): void {
		const session = this.sessionOf(prompt);
		if (!session || !this.perNodeEvents) return;
		const doc = this.config.options.statusStyle === 'doc';
		if (node === null) {
			session.status = 'completed';
			session.endTime = Date.now();
			session.progress = 100;
			if (doc) {
				session.currentNode = null;
				session.message = 'Portrait completed';
			}
			this.config.store.touch(session);
			this.config.store.changed(session);
			this.send(session, doneMessage(prompt.promptId, this.config.options.messageShapes));
			return;
		}
		session.executedNodes.add(node);
		session.currentNode = node;
		session.progress = this.progressOf(session, node);
		const info = nodeInfo(this.config.status.loaded.workflow, node);
		if (doc) session.message = `Processing: ${info.type}`;
		this.config.store.changed(session);
		const step = {
			promptId: prompt.promptId,
			node,
			progress: session.progress,
			nodeInfo: info,
			executedNodesCount: session.executedNodes.size,
			totalNodes: totalNodes(session, this.config.status),
		};
		for (const message of nodeMessages(step, this.config.options.messageShapes)) this.send(session, message);
	}

	error(prompt: ComfyPrompt, _node: string, message: string): void {
		const session = this.sessionOf(prompt);
		if (!session || !this.perNodeEvents) return;
		session.status = 'failed';
		// Unconfirmed: the sibling leaves `message` alone; the doc style shows ComfyUI's text.
		if (this.config.options.statusStyle === 'doc') session.message = message;
		this.config.store.touch(session);
		this.config.store.changed(session);
		this.send(session, errorMessage(message));
	}

	finished(prompt: ComfyPrompt): void {
		if (this.config.options.resultCheck !== 'own-job') return;
		const session = this.sessionOf(prompt);
		if (session) this.lookForResult(session);
	}

	queueEmpty(): void {
		if (this.config.options.resultCheck !== 'queue-empty') return;
		for (const session of this.config.store.all()) if (session.promptId) this.lookForResult(session);
	}

	/** The /history look-up, a moment later; it reads the session's prompt id when it runs. */
	private lookForResult(session: Session): void {
		this.config.timers.after(this.config.options.resultLagMs, () => {
			if (!this.config.store.holds(session) || !session.promptId) return;
			const prompt = this.config.comfy().prompts.get(session.promptId);
			if (!prompt || prompt.finishedAt === null || !prompt.output) return;
			const { filename, subfolder } = prompt.output;
			const resultImage = `/api/images/${encodeURIComponent(filename)}?type=output&subfolder=${encodeURIComponent(subfolder)}`;
			session.status = 'completed';
			session.endTime = Date.now();
			session.progress = 100;
			session.resultImage = resultImage;
			if (this.config.options.statusStyle === 'doc') {
				session.currentNode = null;
				session.message = 'Portrait completed';
			}
			this.config.store.touch(session);
			this.config.store.changed(session);
			const drop = this.resultsToDrop > 0;
			if (drop) this.resultsToDrop--;
			this.send(session, resultMessage(session.id, resultImage, session.executedNodes.size, totalNodes(session, this.config.status)), drop);
		});
	}
}
