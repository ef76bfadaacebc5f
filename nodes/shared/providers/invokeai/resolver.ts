// Runtime-neutral: web-standard APIs only (no node:, Deno, process), so n8n, Node and Deno share it.
// The server look-ups a run's input values and batch nodes need (the workflow module's
// ValueResolver and BatchResolver): image files uploaded, models found among the installed ones,
// boards found by id or name (a name no board has is created, and the run says so), the images of
// a board and dynamic prompts for batch nodes. One resolver per run: it keeps the model and board
// lists it read, and what it uploaded and created.
import { InputError } from '../../core/errors.ts';
import type { InvokeAI } from './api.ts';
import { modelIdentifier, pickModel } from './models.ts';
import type { Board, ImageDto, ModelConfig } from './schemas.ts';
import type { BatchResolver } from './workflow/batch.ts';
import type { WorkflowInput } from './workflow/inputs.ts';
import type { FileInput, ModelFilter, ModelIdentifier, ModelRef, ValueResolver } from './workflow/values.ts';

/** The image categories the UI's board views show: images, or assets. */
export const BOARD_CATEGORIES = { images: ['general'], assets: ['control', 'mask', 'user', 'other'] } as const;

/** A board a run uses, and whether the run created it. */
export interface ResolvedBoard {
	board_id: string;
	board_name: string;
	created: boolean;
}

export class RunResolver implements ValueResolver, BatchResolver {
	/** The images this run uploaded, in order. */
	readonly uploaded: ImageDto[] = [];
	/** The boards this run created (a name no board had). */
	readonly createdBoards: Board[] = [];
	private models?: Promise<ModelConfig[]>;
	private boards?: Promise<Board[]>;

	constructor(
		private readonly client: InvokeAI,
		private readonly signal?: AbortSignal,
	) {}

	async uploadImage(file: FileInput, input: WorkflowInput): Promise<{ image_name: string }> {
		const image = await this.client.uploadImage(file, { parameter: parameterOf(input), signal: this.signal });
		this.uploaded.push(image);
		return { image_name: image.image_name };
	}

	async findBoard(ref: string, input: WorkflowInput): Promise<{ board_id: string }> {
		return { board_id: (await this.board(ref, parameterOf(input))).board_id };
	}

	async findModel(ref: ModelRef, filter: ModelFilter, input: WorkflowInput): Promise<ModelIdentifier> {
		const models = await this.installedModels();
		return modelIdentifier(pickModel(models, ref, filter, { parameter: parameterOf(input), what: `Input "${input.label}"` }));
	}

	/**
	 * A board by id, or by name (in any letter case when only one board has it); a name no board
	 * has is created. Several boards of that name is an InputError on `parameter`.
	 */
	async board(ref: string, parameter: string): Promise<ResolvedBoard> {
		const wanted = ref.trim();
		if (!wanted) throw new InputError(parameter, 'No board was named: give a board id or name.');
		const boards = await this.knownBoards();
		const byId = boards.find((board) => board.board_id === wanted);
		if (byId) return { board_id: byId.board_id, board_name: byId.board_name, created: false };
		const exact = boards.filter((board) => board.board_name === wanted);
		const named = exact.length > 0 ? exact : boards.filter((board) => board.board_name.toLowerCase() === wanted.toLowerCase());
		if (named.length === 1) return { board_id: named[0].board_id, board_name: named[0].board_name, created: false };
		if (named.length > 1) {
			throw new InputError(parameter, `Several InvokeAI boards are named "${wanted}" (ids ${named.map((board) => board.board_id).join(', ')}).`, 'Give the id of the board you mean.');
		}
		const created = await this.client.createBoard(wanted, this.signal);
		this.createdBoards.push(created);
		boards.push(created);
		return { board_id: created.board_id, board_name: created.board_name, created: true };
	}

	async boardImageNames(boardId: string, category: 'images' | 'assets'): Promise<string[]> {
		return this.client.boardImageNames(boardId, { categories: [...BOARD_CATEGORIES[category]], isIntermediate: false }, this.signal);
	}

	async dynamicPrompts(request: { prompt: string; maxPrompts: number; combinatorial: boolean; seed?: number }): Promise<string[]> {
		return this.client.dynamicPrompts(request, this.signal);
	}

	private installedModels(): Promise<ModelConfig[]> {
		this.models ??= this.client.listModels({}, this.signal).catch((error: unknown) => {
			this.models = undefined;
			throw error;
		});
		return this.models;
	}

	private knownBoards(): Promise<Board[]> {
		this.boards ??= this.client.listBoards({ includeArchived: true }, this.signal).catch((error: unknown) => {
			this.boards = undefined;
			throw error;
		});
		return this.boards;
	}
}

function parameterOf(input: WorkflowInput): string {
	return `inputs.${input.label}`;
}
