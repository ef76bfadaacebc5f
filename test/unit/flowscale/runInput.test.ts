import { buildRunForm, runTarget } from '../../../nodes/shared/providers/flowscale/runInput.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const png = (bytes = [...PNG_SIGNATURE, 1]) => ({ data: new Uint8Array(bytes), fileName: 'cat.png', mimeType: 'image/png' });

describe('Flowscale run inputs', () => {
	it('sends values as text fields and files under their input names', () => {
		const parts = buildRunForm({
			workflowId: 'w',
			inputs: [
				{ name: 'text_51536', value: 'a red fox' },
				{ name: 'seed_456', value: 7 },
				{ name: 'upscale_1', value: true },
			],
			files: [{ name: 'image_35728', file: png() }],
		});
		expect(parts).toEqual([
			{ name: 'text_51536', value: 'a red fox' },
			{ name: 'seed_456', value: '7' },
			{ name: 'upscale_1', value: 'true' },
			{ name: 'image_35728', data: new Uint8Array([...PNG_SIGNATURE, 1]), fileName: 'cat.png', mimeType: 'image/png' },
		]);
	});

	it('sends a list of files as name_0, name_1, … as SDK 1.1.4 does', () => {
		const parts = buildRunForm({ workflowId: 'w', files: [{ name: 'image', file: [png(), { ...png([0xff, 0xd8, 0xff, 0xe0]), fileName: 'dog.jpg', mimeType: '' }] }] });
		expect(parts.map((part) => [part.name, 'fileName' in part ? part.fileName : '', 'mimeType' in part ? part.mimeType : ''])).toEqual([
			['image_0', 'cat.png', 'image/png'],
			['image_1', 'dog.jpg', 'image/jpeg'],
		]);
	});

	it('refuses an input without a name, naming which one', () => {
		expect(() => buildRunForm({ workflowId: 'w', inputs: [{ name: 'text_1', value: 'x' }, { name: '  ', value: 'y' }] })).toThrow(
			expect.objectContaining({ kind: 'input', parameter: 'inputs', message: "Input 2 has no name: give the deployment's own input name, such as text_51536." }),
		);
		expect(() => buildRunForm({ workflowId: 'w', files: [{ name: '', file: png() }] })).toThrow(expect.objectContaining({ parameter: 'files' }));
	});

	it('refuses an empty file and an empty list of files', () => {
		expect(() => buildRunForm({ workflowId: 'w', files: [{ name: 'image_35728', file: png([]) }] })).toThrow(
			expect.objectContaining({ parameter: 'files.image_35728', message: 'The file "cat.png" for input "image_35728" is empty (0 bytes).' }),
		);
		expect(() => buildRunForm({ workflowId: 'w', files: [{ name: 'image', file: [] }] })).toThrow(expect.objectContaining({ parameter: 'files.image' }));
	});

	it('refuses a file that is no picture for an image input, whatever its MIME type says, and takes any file elsewhere', () => {
		const pdf = { data: new TextEncoder().encode('%PDF-1.7 …'), fileName: 'photo.png', mimeType: 'image/png' };
		expect(() => buildRunForm({ workflowId: 'w', files: [{ name: 'image_35728', file: pdf }] })).toThrow(
			expect.objectContaining({ kind: 'input', parameter: 'files.image_35728', message: '"photo.png" (image/png) is not an image: expected a PNG, JPEG, WebP, GIF, BMP or TIFF picture.' }),
		);
		expect(() => buildRunForm({ workflowId: 'w', files: [{ name: 'image', file: [png(), pdf] }] })).toThrow(expect.objectContaining({ parameter: 'files.image' }));
		// A video or another file input is the deployment's business.
		expect(buildRunForm({ workflowId: 'w', files: [{ name: 'video_1239', file: pdf }] })).toHaveLength(1);
	});

	it('refuses a name given twice, also one a file list expands into', () => {
		expect(() => buildRunForm({ workflowId: 'w', inputs: [{ name: 'a', value: 1 }, { name: 'a', value: 2 }] })).toThrow(expect.objectContaining({ parameter: 'inputs.a' }));
		expect(() => buildRunForm({ workflowId: 'w', inputs: [{ name: 'image_0', value: 'x' }], files: [{ name: 'image', file: [png()] }] })).toThrow(
			expect.objectContaining({ parameter: 'files.image_0' }),
		);
	});

	it('refuses a number that is not one', () => {
		expect(() => buildRunForm({ workflowId: 'w', inputs: [{ name: 'seed', value: Number.NaN }] })).toThrow(expect.objectContaining({ parameter: 'inputs.seed' }));
	});

	it('puts the workflow and a group in the query string, and needs a workflow', () => {
		expect(runTarget({ workflowId: ' bncu0a1kipv ', groupId: ' g1 ' })).toEqual({ workflow_id: 'bncu0a1kipv', group_id: 'g1' });
		expect(runTarget({ workflowId: 'w', groupId: '' })).toEqual({ workflow_id: 'w' });
		expect(() => runTarget({ workflowId: ' ' })).toThrow(expect.objectContaining({ parameter: 'workflowId' }));
	});
});
