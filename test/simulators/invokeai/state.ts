// Everything the routes share: the stores, the processor, the event hub, the accounts, and the
// version being played (which may change while the simulator runs).
import type { Reply, SimRequest } from '../shared/httpShell.ts';
import type { Accounts } from './auth.ts';
import type { EventHub } from './events.ts';
import type { OpenApiDocument } from './fixtures.ts';
import type { MediaStore } from './images.ts';
import type { Processor } from './processor.ts';
import type { SessionQueue } from './queue.ts';
import type { SimBatchRecord, SimModel } from './types.ts';
import type { VersionFeatures } from './version.ts';
import type { Viewer } from './views.ts';

export interface SimState {
	queue: SessionQueue;
	media: MediaStore;
	processor: Processor;
	events: EventHub;
	accounts: Accounts;
	models: SimModel[];
	multiUser: boolean;
	maxQueueSize: number;
	batches: SimBatchRecord[];
	features(): VersionFeatures;
	openapi(): OpenApiDocument;
	openapiText(): string;
}

export interface RouteContext {
	request: SimRequest;
	/** Path parameters, percent-decoded. */
	params: string[];
	user: Viewer;
	features: VersionFeatures;
	state: SimState;
}

export interface Route {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
	pattern: RegExp;
	/** Who may call it: anyone, a user (multi-user mode: a Bearer token), media (a token in 6.14 multi-user mode only). Default user. */
	auth?: 'none' | 'user' | 'media';
	/** Whether the played version has the route (default: every version). */
	since?(features: VersionFeatures): boolean;
	handle(context: RouteContext): Reply | Promise<Reply>;
}
