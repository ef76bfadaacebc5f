// Every shape the reference lists for what a Pet Portrait server sends, read into one.
import { sessionStatusSchema, workflowInfoSchema } from '../../../nodes/shared/providers/petPortrait/schemas.ts';
import { completedStatus, processingStatus, workflowInfoDoc, workflowInfoTsType } from './fakes.ts';

describe('Pet Portrait workflow-info', () => {
	it("reads the endpoint section's shape: node count, aspect ratio, user inputs and the node list", () => {
		const info = workflowInfoSchema.parse(workflowInfoDoc);
		expect(info).toMatchObject({
			totalNodes: 50,
			aspectRatio: { width: 832, height: 1216 },
			userInputs: [{ nodeId: '229', type: 'text', title: 'Pet Type Input', description: 'Enter the type of pet (e.g., dog, cat, bird)', defaultValue: 'dog' }],
			userInputsListed: true,
			nodeTypes: [
				{ id: '229', type: 'CLIPTextEncode', title: 'Pet Type Input' },
				{ id: '3', type: 'KSampler', title: 'KSampler Node' },
			],
			nodeTypeCounts: undefined,
		});
		expect(info.raw).toMatchObject(workflowInfoDoc);
	});

	it("reads the TypeScript type's shape: nodeCount, and node types as counts, with no user inputs", () => {
		const info = workflowInfoSchema.parse(workflowInfoTsType);
		expect(info).toMatchObject({ totalNodes: 42, userInputs: [], userInputsListed: false, nodeTypes: [], nodeTypeCounts: { KSampler: 2, CLIPTextEncode: 3 } });
		expect(info.aspectRatio).toBeUndefined();
	});

	it('reads the union a simulator may send, preferring totalNodes, and keeps unknown fields in raw', () => {
		const info = workflowInfoSchema.parse({ ...workflowInfoDoc, nodeCount: 49, executionOrderLength: 50, version: '2' });
		expect(info.totalNodes).toBe(50);
		expect(info.raw).toMatchObject({ nodeCount: 49, version: '2' });
	});

	it('reads numeric node ids as text and fills a missing type and title', () => {
		const info = workflowInfoSchema.parse({ userInputs: [{ nodeId: 229 }], nodeTypes: [{ id: 7, type: 'VAEDecode' }] });
		expect(info.userInputs).toEqual([{ nodeId: '229', type: 'text', title: '229' }]);
		expect(info.nodeTypes).toEqual([{ id: '7', type: 'VAEDecode', title: 'VAEDecode' }]);
	});
});

describe('Pet Portrait status', () => {
	it("reads the doc's processing and completed examples", () => {
		expect(sessionStatusSchema.parse(processingStatus())).toMatchObject({ status: 'processing', progress: 45, currentNodeInfo: { title: 'KSampler Node' }, endTime: null });
		expect(sessionStatusSchema.parse(completedStatus())).toMatchObject({ status: 'completed', resultImage: '/api/images/output_00001_.png?type=output&subfolder=' });
	});

	it("reads the sibling's session before a run: times absent, its own words, unknown fields kept", () => {
		for (const status of ['image_uploaded', 'initialized']) {
			const parsed = sessionStatusSchema.parse({ sessionId: 's', status, progress: 0, currentNode: null, message: 'Initializing', resultImage: null, executedNodesCount: 0, totalNodes: 42, nodeProgress: {} });
			expect(parsed.status).toBe(status);
			expect(parsed.startTime).toBeUndefined();
			expect(parsed).toHaveProperty('nodeProgress');
		}
	});

	it('takes a prompt id where a server puts one in the status, as text', () => {
		expect(sessionStatusSchema.parse({ status: 'processing', promptId: 17 }).promptId).toBe('17');
		expect(sessionStatusSchema.parse({ status: 'processing', promptId: null }).promptId).toBeUndefined();
	});

	it('refuses a status without its status word', () => {
		expect(sessionStatusSchema.safeParse({ sessionId: 's', progress: 10 }).success).toBe(false);
	});
});
