// `GET /api/status/:sessionId` and the test-side snapshot of a session. The answer's fields are the
// sibling's expressions (`progress || 0`, `message || 'Initializing'`, Date objects as ISO strings,
// startTime/endTime absent until set); what sets them differs by StatusStyle (see bridge.ts).
import type { Session } from './sessions.ts';
import type { SimSession, StatusStyle } from './types.ts';
import type { LoadedWorkflow } from './workflow.ts';
import { nodeInfo } from './workflow.ts';

export interface StatusContext {
	loaded: LoadedWorkflow;
	style: StatusStyle;
}

/** 'doc': the one loaded workflow's size from the start; 'sibling': 0 until a prompt was queued. */
export function totalNodes(session: Session, context: StatusContext): number {
	if (session.nodeCount) return session.nodeCount;
	return context.style === 'doc' ? Object.keys(context.loaded.workflow).length : 0;
}

function iso(time: number | null | undefined): string | null | undefined {
	return typeof time === 'number' ? new Date(time).toISOString() : time;
}

export function statusBody(session: Session, context: StatusContext): Record<string, unknown> {
	const current = session.currentNode && context.loaded.workflow[session.currentNode] ? nodeInfo(context.loaded.workflow, session.currentNode) : null;
	return {
		sessionId: session.id,
		status: session.status,
		progress: session.progress || 0,
		currentNode: session.currentNode || null,
		currentNodeInfo: current,
		message: session.message || 'Initializing',
		resultImage: session.resultImage || null,
		startTime: iso(session.startTime),
		endTime: iso(session.endTime),
		executedNodesCount: session.executedNodes.size,
		totalNodes: totalNodes(session, context),
	};
}

export function snapshot(session: Session, context: StatusContext): SimSession {
	const upload = session.uploads[session.uploads.length - 1];
	return {
		id: session.id,
		clientId: session.clientId,
		status: session.status,
		progress: session.progress || 0,
		currentNode: session.currentNode,
		message: session.message || 'Initializing',
		promptId: session.promptId,
		resultImage: session.resultImage,
		startTime: session.startTime ?? null,
		endTime: session.endTime ?? null,
		executedNodesCount: session.executedNodes.size,
		totalNodes: totalNodes(session, context),
		uploads: session.uploads.map((entry) => ({ ...entry, bytes: new Uint8Array(entry.bytes) })),
		upload: upload ? { ...upload, bytes: new Uint8Array(upload.bytes) } : null,
		generates: structuredClone(session.generates),
		lastActivity: session.lastActivity,
	};
}
