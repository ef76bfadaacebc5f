// InvokeAI Trigger watching a board, through its real class against the simulator: the first poll
// only notes the images already on the board; later polls fire once per new image on it (never for
// other boards' images), with the picture when asked, reading as many pages as the backlog takes;
// manual mode gives the newest image as a sample without moving the cursor.
import type { IDataObject } from 'n8n-workflow';

import { loadOptionsContext } from '../../helpers/n8nContext.ts';
import { nodeTypeOf } from '../../helpers/registry.ts';
import { InvokeAiTrigger } from '../../../nodes/InvokeAiTrigger/InvokeAiTrigger.node.ts';
import { bytesOf, credentialsFor, failure, pollTrigger, trigger } from './nodeSetup.ts';
import { closeSimulators, connect, PICTURE, startSimulator } from './setup.ts';
import type { InvokeAiSimulator } from '../../simulators/invokeai/index.ts';

afterEach(closeSimulators);

async function boards(simulator: InvokeAiSimulator): Promise<{ watched: string; other: string }> {
	const invokeai = connect(simulator);
	return { watched: (await invokeai.createBoard('Watched')).board_id, other: (await invokeai.createBoard('Other')).board_id };
}

/** Uploads `count` pictures to the board (undefined: none); their names, oldest first. */
async function upload(simulator: InvokeAiSimulator, boardId: string | undefined, count = 1): Promise<string[]> {
	const invokeai = connect(simulator);
	const names: string[] = [];
	for (let i = 0; i < count; i++) names.push((await invokeai.uploadImage({ data: PICTURE, fileName: `p${i}.png`, mimeType: 'image/png' }, { boardId })).image_name);
	return names;
}

const watching = (boardId: string, boardOptions: IDataObject = {}) => ({ watch: 'boardImages', boardId, boardOptions });

describe('InvokeAI Trigger on a board', () => {
	it('fires once per new image on the board, with the picture when asked, and never for other boards', async () => {
		const simulator = await startSimulator();
		const { watched, other } = await boards(simulator);
		const existing = await upload(simulator, watched, 2);
		const staticData: IDataObject = {};
		expect((await pollTrigger(simulator, staticData, watching(watched))).fired).toBeNull();

		const [first] = await upload(simulator, watched);
		const elsewhere = await upload(simulator, other);
		const loose = await upload(simulator, undefined);
		const [second] = await upload(simulator, watched);

		const { fired } = await pollTrigger(simulator, staticData, watching(watched, { downloadResults: true, binaryPropertyName: 'image' }));
		expect(fired!.map((item) => item.json.image_name)).toEqual([first, second]);
		for (const item of fired!) {
			expect(item.json).toMatchObject({ board_id: watched, status: 'succeeded' });
			expect(typeof item.json.created_at).toBe('string');
			expect(bytesOf(item, 'image').equals(Buffer.from(simulator.imageBytes(String(item.json.image_name)) ?? []))).toBe(true);
		}
		const text = JSON.stringify(fired);
		for (const name of [...existing, ...elsewhere, ...loose]) expect(text).not.toContain(name);

		expect((await pollTrigger(simulator, staticData, watching(watched))).fired).toBeNull();
		// The state survives being stored and read back as n8n does.
		const stored = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		expect((await pollTrigger(simulator, stored, watching(watched))).fired).toBeNull();
		const [third] = await upload(simulator, watched);
		const next = await pollTrigger(simulator, stored, watching(watched));
		expect(next.fired!.map((item) => item.json.image_name)).toEqual([third]);
		expect(next.fired![0].binary).toBeUndefined();

		// The images on no board can be watched too.
		const none: IDataObject = {};
		await pollTrigger(simulator, none, watching('none'));
		const [unfiled] = await upload(simulator, undefined);
		await upload(simulator, watched);
		expect((await pollTrigger(simulator, none, watching('none'))).fired!.map((item) => item.json.image_name)).toEqual([unfiled]);
	});

	it('gives the newest image as a sample in manual mode, without moving the cursor', async () => {
		const simulator = await startSimulator();
		const { watched, other } = await boards(simulator);
		const staticData: IDataObject = {};
		await pollTrigger(simulator, staticData, watching(watched));
		const made = await upload(simulator, watched, 2);
		await upload(simulator, other);
		const saved = JSON.stringify(staticData);

		const { fired } = await pollTrigger(simulator, staticData, watching(watched, { downloadResults: true }), 'manual');
		expect(fired!.map((item) => item.json.image_name)).toEqual([made[1]]);
		expect(bytesOf(fired![0]).equals(Buffer.from(PICTURE))).toBe(true);
		expect(JSON.stringify(staticData)).toBe(saved);
		expect((await pollTrigger(simulator, staticData, watching(watched))).fired!.map((item) => item.json.image_name)).toEqual(made);

		// An empty board gives no sample.
		const empty = (await connect(simulator).createBoard('Empty')).board_id;
		expect((await pollTrigger(simulator, {}, watching(empty), 'manual')).fired).toBeNull();
	});

	it('fires for every new image when more arrived than one page holds', async () => {
		const simulator = await startSimulator();
		const { watched } = await boards(simulator);
		await upload(simulator, watched, 3);
		const staticData: IDataObject = {};
		await pollTrigger(simulator, staticData, watching(watched));
		const made = await upload(simulator, watched, 130);

		const { fired } = await pollTrigger(simulator, staticData, watching(watched));
		expect(fired!.map((item) => item.json.image_name)).toEqual(made);
		const pages = simulator.requests.filter((request) => request.path === '/api/v1/images/' && request.query.offset === '100');
		expect(pages.length).toBeGreaterThan(0);
		expect(pages.every((request) => request.query.board_id === watched && request.query.order_dir === 'DESC' && request.query.starred_first === 'false')).toBe(true);
		expect((await pollTrigger(simulator, staticData, watching(watched))).fired).toBeNull();
	}, 30_000);

	it('lists the boards to choose from, and refuses to poll without one', async () => {
		const simulator = await startSimulator();
		const { watched, other } = await boards(simulator);
		const context = loadOptionsContext({ nodeType: nodeTypeOf(InvokeAiTrigger), credentials: credentialsFor(simulator.url), parameters: { watch: 'boardImages' } });
		const options = await trigger.methods.loadOptions.getBoards.call(context);
		expect(options).toEqual([
			{ name: 'Other', value: other },
			{ name: 'Watched', value: watched },
			{ name: '(No Board)', value: 'none' },
		]);

		const error = await failure(pollTrigger(simulator, {}, watching('  ')));
		expect(error.message).toMatch(/Choose the board/);
	});
});
