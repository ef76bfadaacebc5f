import nock from 'nock';

import { fetchTransport } from '../../../nodes/shared/core/fetchTransport.ts';
import { Visionatrix } from '../../../nodes/shared/providers/visionatrix/api.ts';
import type { Flow } from '../../../nodes/shared/providers/visionatrix/schemas.ts';
import { flowListSchema } from '../../../nodes/shared/providers/visionatrix/schemas.ts';
import fixtureFlows from '../../fixtures/visionatrix/flows-installed.json';
import { virtualEnv } from '../../helpers/virtualEnv.ts';

const BASE = 'http://vix.test:8288';
const [sdxl] = flowListSchema.parse(fixtureFlows) as Flow[];

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Visionatrix.createTask', () => {
	it("names the inputs it sent when ComfyUI refuses them with a bare prompt_outputs_failed_validation", async () => {
		nock(BASE)
			.put('/vapi/tasks/create/sdxl_lighting')
			.reply(400, { detail: "Bad Flow: `{'type': 'prompt_outputs_failed_validation', 'message': 'Prompt outputs failed validation', 'details': '', 'extra_info': {}}`" });
		const visionatrix = new Visionatrix({ baseUrl: BASE, env: virtualEnv(fetchTransport()) });
		await expect(visionatrix.createTask(sdxl, { inputs: { prompt: 'a fox', batch_size: 3 }, seed: 5 })).rejects.toMatchObject({
			kind: 'input',
			parameter: 'inputs',
			message:
				'The server\'s ComfyUI refused the values given to flow "sdxl_lighting" (prompt_outputs_failed_validation): an input is outside what its node accepts, for example a fraction for a whole-number input or a value out of range. Inputs sent: prompt="a fox", batch_size=3.',
		});
	});

	it('chooses the seed itself for a flow that takes one, so that a lost answer can be matched to its task', async () => {
		let body = '';
		nock(BASE)
			.put('/vapi/tasks/create/sdxl_lighting')
			.reply(200, (_uri, requestBody) => {
				body = String(requestBody);
				return { tasks_ids: [1], outputs: [] };
			});
		const visionatrix = new Visionatrix({ baseUrl: BASE, env: virtualEnv(fetchTransport()) });
		await visionatrix.createTask(sdxl, { inputs: { prompt: 'a fox' } });
		// virtualEnv's random() is 0.5: the seed is the middle of 1..2147483646.
		expect(body).toMatch(/name="seed"\r\n\r\n1073741824\r\n/);
	});
});
