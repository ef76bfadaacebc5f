// The WebSocket messages, `{type, data}`, in the doc's shapes or the sibling's.
import type { MessageShapes } from './types.ts';

export interface WsMessage {
	type: string;
	data: unknown;
}

export interface NodeStep {
	promptId: string;
	node: string;
	/** Overall per cent, by the progress formula. */
	progress: number;
	nodeInfo: { id: string; type: string; title: string };
	executedNodesCount: number;
	totalNodes: number;
}

/** What a node starting to run sends. doc: executing, progress {id, value}, detailed_progress; sibling: executing and progress, both with the detailed payload. */
export function nodeMessages(step: NodeStep, shapes: MessageShapes): WsMessage[] {
	const detailed = {
		progress: step.progress,
		currentNode: step.node,
		nodeInfo: step.nodeInfo,
		executedNodesCount: step.executedNodesCount,
		totalNodes: step.totalNodes,
	};
	if (shapes === 'sibling') {
		return [
			{
				type: 'executing',
				data: { node: step.node, progress: step.progress, nodeInfo: step.nodeInfo, executedNodesCount: step.executedNodesCount, totalNodes: step.totalNodes },
			},
			{ type: 'progress', data: detailed },
		];
	}
	return [
		{ type: 'executing', data: { prompt_id: step.promptId, node: step.node } },
		{ type: 'progress', data: { id: step.promptId, value: step.progress / 100 } },
		{ type: 'detailed_progress', data: detailed },
	];
}

/** The end of a prompt: ComfyUI's own `executing` data, forwarded (the sibling passes it on unchanged). */
export function doneMessage(promptId: string, shapes: MessageShapes): WsMessage {
	return { type: 'executing', data: shapes === 'sibling' ? { node: null, prompt_id: promptId } : { prompt_id: promptId, node: null } };
}

export function resultMessage(sessionId: string, resultImage: string, executedNodesCount: number, totalNodes: number): WsMessage {
	return { type: 'result', data: { sessionId, status: 'completed', resultImage, executedNodesCount, totalNodes } };
}

export function errorMessage(message: string): WsMessage {
	return { type: 'error', data: { message } };
}
