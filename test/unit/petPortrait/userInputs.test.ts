import { workflowInfoSchema } from '../../../nodes/shared/providers/petPortrait/schemas.ts';
import { checkUserInputs, userInputsBody } from '../../../nodes/shared/providers/petPortrait/userInputs.ts';
import { workflowInfoDoc, workflowInfoTsType } from './fakes.ts';

const info = workflowInfoSchema.parse(workflowInfoDoc);

describe('Pet Portrait user inputs', () => {
	it('sends a known text input in the scalar form, numbers as text', () => {
		expect(checkUserInputs({ '229': 'cat' }, info)).toEqual({ '229': 'cat' });
		expect(userInputsBody({ '229': 7 })).toEqual({ '229': '7' });
	});

	it('leaves out an empty value, so that the workflow keeps its default; nothing left sends nothing', () => {
		expect(checkUserInputs({ '229': '' }, info)).toBeUndefined();
		expect(checkUserInputs({ '229': '   ', ' 229 ': null }, info)).toBeUndefined();
		expect(checkUserInputs(undefined, info)).toBeUndefined();
	});

	it('refuses an unknown node id, listing the known ones', () => {
		expect(() => checkUserInputs({ '999': 'cat' }, info)).toThrow(
			expect.objectContaining({
				kind: 'input',
				parameter: 'userInputs.999',
				message: 'The workflow has no node "999"; expected the id of a text input. The workflow\'s text inputs: 229 ("Pet Type Input").',
			}),
		);
	});

	it('refuses an empty node id', () => {
		expect(() => checkUserInputs({ ' ': 'cat' }, info)).toThrow(expect.objectContaining({ kind: 'input', parameter: 'userInputs', message: expect.stringContaining('empty node id') }));
	});

	it('refuses a value for a node that takes no user input', () => {
		expect(() => checkUserInputs({ '3': 'cat' }, info)).toThrow(
			expect.objectContaining({
				parameter: 'userInputs.3',
				message: 'Node 3 ("KSampler Node", KSampler) takes no user input; expected the id of a text input. The workflow\'s text inputs: 229 ("Pet Type Input").',
			}),
		);
	});

	it('refuses a value for a user input that is not text', () => {
		const withSeed = workflowInfoSchema.parse({ ...workflowInfoDoc, userInputs: [...workflowInfoDoc.userInputs, { nodeId: '5', type: 'number', title: 'Seed' }] });
		expect(() => checkUserInputs({ '5': '42' }, withSeed)).toThrow(
			expect.objectContaining({ parameter: 'userInputs.5', message: 'Node 5 ("Seed") is a "number" input, not text; expected a text input. The workflow\'s text inputs: 229 ("Pet Type Input").' }),
		);
	});

	it('refuses a value that is not text, a number or true/false', () => {
		expect(() => userInputsBody({ '229': { text: 'cat' } as unknown as string })).toThrow(expect.objectContaining({ parameter: 'userInputs.229' }));
		expect(() => userInputsBody({ '229': Number.NaN })).toThrow(expect.objectContaining({ parameter: 'userInputs.229' }));
	});

	it("checks only the ids' form where workflow-info lists no inputs (the TypeScript type's shape)", () => {
		const bare = workflowInfoSchema.parse(workflowInfoTsType);
		expect(checkUserInputs({ '999': 'cat' }, bare)).toEqual({ '999': 'cat' });
		expect(() => checkUserInputs({ '': 'cat' }, bare)).toThrow(expect.objectContaining({ parameter: 'userInputs' }));
	});
});
