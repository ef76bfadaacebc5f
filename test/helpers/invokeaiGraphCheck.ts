// Checks an InvokeAI graph (and a batch's `data`) against an OpenAPI document the way the server
// does when it takes `POST /api/v1/queue/{queue_id}/enqueue_batch`: pydantic's validation of each
// node against its class, then `Graph.validate_self()` (invokeai/app/services/shared/graph.py):
// map keys equal node ids, edges between existing nodes and fields, at most one edge into an
// input (collect's `item` excepted), compatible field types, no cycle. Stricter than the server
// in one way: a node field its class does not have is reported (pydantic would drop it silently),
// since it means the graph was built wrong (a class with `additionalProperties: true`, as
// core_metadata, takes any). No jest here: the InvokeAI simulator uses it too.

type Schema = Record<string, unknown>;

export interface GraphCheckResult {
	/** Empty when the server would take the graph. */
	problems: string[];
}

/** A node type's schema and its output's, from one OpenAPI document. */
interface NodeClass {
	className: string;
	schema: Schema;
	properties: Schema;
	outputProperties: Schema;
}

/** Indexes an OpenAPI document once; `check` then runs against it. */
export class InvokeAIGraphChecker {
	private readonly schemas: Schema;
	private readonly classes = new Map<string, NodeClass>();

	constructor(openapi: unknown) {
		const components = isObject(openapi) && isObject(openapi.components) ? openapi.components : undefined;
		if (!components || !isObject(components.schemas)) throw new Error('Not an OpenAPI document: no components.schemas');
		this.schemas = components.schemas;
		for (const [className, schema] of Object.entries(this.schemas)) {
			if (!isObject(schema) || schema.class !== 'invocation' || !isObject(schema.properties)) continue;
			const typeProperty = schema.properties.type;
			const type = isObject(typeProperty) ? (typeProperty.const ?? typeProperty.default) : undefined;
			const outputRef = isObject(schema.output) && typeof schema.output.$ref === 'string' ? schema.output.$ref : undefined;
			const output = outputRef ? this.resolve({ $ref: outputRef }) : undefined;
			if (typeof type !== 'string') continue;
			this.classes.set(type, {
				className,
				schema,
				properties: schema.properties,
				outputProperties: output && isObject(output.properties) ? output.properties : {},
			});
		}
	}

	/** The node types the document knows. */
	types(): string[] {
		return [...this.classes.keys()];
	}

	check(graph: unknown, data?: unknown): GraphCheckResult {
		const problems: string[] = [];
		if (!isObject(graph)) return { problems: ['the graph is not an object'] };
		if (graph.id !== undefined && typeof graph.id !== 'string') problems.push('graph.id is not a string');
		if (!isObject(graph.nodes)) return { problems: [...problems, 'graph.nodes is not an object of nodes by id'] };
		const edges = graph.edges ?? [];
		if (!Array.isArray(edges)) return { problems: [...problems, 'graph.edges is not a list'] };

		const nodes = graph.nodes;
		for (const [key, node] of Object.entries(nodes)) this.checkNode(key, node, problems);
		if (problems.length > 0) return { problems };

		const nodeClass = (id: string): NodeClass | undefined => {
			const node = nodes[id];
			return isObject(node) && typeof node.type === 'string' ? this.classes.get(node.type) : undefined;
		};
		const destinations = new Map<string, number>();
		const adjacency = new Map<string, string[]>();
		edges.forEach((edge, index) => {
			const where = `edges[${index}]`;
			if (!isObject(edge) || !isEndpoint(edge.source) || !isEndpoint(edge.destination)) {
				problems.push(`${where} is not {source: {node_id, field}, destination: {node_id, field}}`);
				return;
			}
			const { source, destination } = edge;
			const from = nodeClass(source.node_id);
			const to = nodeClass(destination.node_id);
			if (!from) problems.push(`${where}: source node ${source.node_id} does not exist in the graph`);
			if (!to) problems.push(`${where}: destination node ${destination.node_id} does not exist in the graph`);
			if (!from || !to) return;
			const fromType = from.outputProperties[source.field];
			const toType = to.properties[destination.field];
			if (!isObject(fromType)) problems.push(`${where}: source field ${source.field} does not exist on the output of ${source.node_id}`);
			const dynamic = (nodes[destination.node_id] as Schema).type === 'call_saved_workflow' && destination.field.startsWith('saved_workflow_input::');
			if (!isObject(toType) && !dynamic) problems.push(`${where}: destination field ${destination.field} does not exist in node ${destination.node_id}`);
			if (isObject(fromType) && isObject(toType) && !this.compatible(this.typeTerm(fromType), this.typeTerm(toType))) {
				problems.push(`${where}: field types are incompatible (${source.node_id}.${source.field} → ${destination.node_id}.${destination.field})`);
			}
			const destinationKey = `${destination.node_id}.${destination.field}`;
			destinations.set(destinationKey, (destinations.get(destinationKey) ?? 0) + 1);
			const isCollectItem = (nodes[destination.node_id] as Schema).type === 'collect' && destination.field === 'item';
			if ((destinations.get(destinationKey) ?? 0) > 1 && !isCollectItem) problems.push(`${where}: ${destinationKey} already has an edge`);
			adjacency.set(source.node_id, [...(adjacency.get(source.node_id) ?? []), destination.node_id]);
		});
		const cycle = findCycle(Object.keys(nodes), adjacency);
		if (cycle) problems.push(`the graph has a cycle: ${cycle.join(' → ')}`);
		if (data !== undefined && data !== null) this.checkData(data, nodes, problems);
		return { problems };
	}

	private checkNode(key: string, node: unknown, problems: string[]): void {
		const where = `nodes["${key}"]`;
		if (!isObject(node)) {
			problems.push(`${where} is not an object`);
			return;
		}
		if (typeof node.type !== 'string') {
			problems.push(`${where} has no type`);
			return;
		}
		const nodeClass = this.classes.get(node.type);
		if (!nodeClass) {
			problems.push(`${where}: unknown node type "${node.type}"`);
			return;
		}
		if (typeof node.id !== 'string') problems.push(`${where}: id is not a string`);
		else if (node.id !== key) problems.push(`${where}: the key is not the node's id (${node.id})`);
		const required = Array.isArray(nodeClass.schema.required) ? nodeClass.schema.required : [];
		for (const name of required) if (typeof name === 'string' && !(name in node)) problems.push(`${where}: required field ${name} is missing`);
		for (const [field, value] of Object.entries(node)) {
			const property = nodeClass.properties[field];
			if (!isObject(property)) {
				// Classes with pydantic `extra='allow'` (core_metadata) take any further field.
				if (nodeClass.schema.additionalProperties !== true) problems.push(`${where}: ${nodeClass.className} has no field "${field}"`);
				continue;
			}
			if (field === 'type') continue;
			const issue = this.validate(property, value, `${where}.${field}`);
			if (issue) problems.push(issue);
		}
	}

	private checkData(data: unknown, nodes: Schema, problems: string[]): void {
		if (!Array.isArray(data) || !data.every(Array.isArray)) {
			problems.push('batch.data is not a list of lists');
			return;
		}
		const seen = new Set<string>();
		data.forEach((zipped: unknown[], outer) => {
			const lengths = new Set<number>();
			zipped.forEach((datum, inner) => {
				const where = `data[${outer}][${inner}]`;
				if (!isObject(datum) || typeof datum.node_path !== 'string' || typeof datum.field_name !== 'string' || !Array.isArray(datum.items)) {
					problems.push(`${where} is not {node_path, field_name, items}`);
					return;
				}
				lengths.add(datum.items.length);
				const key = `${datum.node_path}.${datum.field_name}`;
				if (seen.has(key)) problems.push(`${where}: ${key} appears twice in the batch data`);
				seen.add(key);
				const node = nodes[datum.node_path];
				const nodeClass = isObject(node) && typeof node.type === 'string' ? this.classes.get(node.type) : undefined;
				if (!nodeClass) problems.push(`${where}: node ${datum.node_path} is not in the graph`);
				else if (!isObject(nodeClass.properties[datum.field_name])) problems.push(`${where}: node ${datum.node_path} has no field ${datum.field_name}`);
				datum.items.forEach((item: unknown, index: number) => {
					if (!isBatchItem(item) && !(Array.isArray(item) && item.every(isBatchItem))) problems.push(`${where}.items[${index}] is not a string, number, {image_name} or {video_name}`);
				});
			});
			if (lengths.size > 1) problems.push(`data[${outer}]: zipped lists have different lengths (${[...lengths].join(', ')})`);
		});
	}

	/** The JSON Schema subset pydantic's schemas use; undefined when `value` fits. */
	private validate(schema: Schema, value: unknown, where: string): string | undefined {
		const resolved = this.resolve(schema);
		if (!resolved) return undefined;
		for (const key of ['anyOf', 'oneOf'] as const) {
			const members = resolved[key];
			if (Array.isArray(members)) {
				const fits = members.some((member) => isObject(member) && this.validate(member, value, where) === undefined);
				if (!fits) return `${where}: ${JSON.stringify(value)?.slice(0, 80)} fits none of the allowed types`;
			}
		}
		if (Array.isArray(resolved.allOf)) {
			for (const member of resolved.allOf) {
				const issue = isObject(member) ? this.validate(member, value, where) : undefined;
				if (issue) return issue;
			}
		}
		if ('const' in resolved && resolved.const !== value) return `${where}: must be ${JSON.stringify(resolved.const)}`;
		if (Array.isArray(resolved.enum) && !resolved.enum.includes(value)) return `${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(resolved.enum)}`;
		const types = Array.isArray(resolved.type) ? resolved.type : resolved.type === undefined ? undefined : [resolved.type];
		if (types && !types.some((type) => hasJsonType(value, type))) return `${where}: ${JSON.stringify(value)?.slice(0, 80)} is not of type ${types.join('|')}`;
		if (typeof value === 'number') {
			const number = (key: string): number | undefined => (typeof resolved[key] === 'number' ? (resolved[key] as number) : undefined);
			const minimum = number('minimum') ?? number('ge');
			const maximum = number('maximum') ?? number('le');
			const exclusiveMinimum = number('exclusiveMinimum') ?? number('gt');
			const exclusiveMaximum = number('exclusiveMaximum') ?? number('lt');
			const multipleOf = number('multipleOf');
			if (minimum !== undefined && value < minimum) return `${where}: ${value} is less than ${minimum}`;
			if (maximum !== undefined && value > maximum) return `${where}: ${value} is more than ${maximum}`;
			if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) return `${where}: ${value} is not more than ${exclusiveMinimum}`;
			if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) return `${where}: ${value} is not less than ${exclusiveMaximum}`;
			if (multipleOf !== undefined && Math.abs(value / multipleOf - Math.round(value / multipleOf)) > 1e-9) return `${where}: ${value} is not a multiple of ${multipleOf}`;
		}
		if (typeof value === 'string') {
			if (typeof resolved.minLength === 'number' && value.length < resolved.minLength) return `${where}: shorter than ${resolved.minLength}`;
			if (typeof resolved.maxLength === 'number' && value.length > resolved.maxLength) return `${where}: longer than ${resolved.maxLength}`;
		}
		if (Array.isArray(value)) {
			if (typeof resolved.minItems === 'number' && value.length < resolved.minItems) return `${where}: fewer than ${resolved.minItems} items`;
			if (typeof resolved.maxItems === 'number' && value.length > resolved.maxItems) return `${where}: more than ${resolved.maxItems} items`;
			if (isObject(resolved.items)) {
				for (let index = 0; index < value.length; index++) {
					const issue = this.validate(resolved.items, value[index], `${where}[${index}]`);
					if (issue) return issue;
				}
			}
		}
		if (isObject(value) && isObject(resolved.properties)) {
			const required = Array.isArray(resolved.required) ? resolved.required : [];
			for (const name of required) if (typeof name === 'string' && !(name in value)) return `${where}: required field ${name} is missing`;
			for (const [name, fieldValue] of Object.entries(value)) {
				const property = resolved.properties[name];
				if (isObject(property)) {
					const issue = this.validate(property, fieldValue, `${where}.${name}`);
					if (issue) return issue;
				} else if (resolved.additionalProperties === false) {
					return `${where}: unexpected field ${name}`;
				}
			}
		}
		if (isObject(value) && isObject(resolved.additionalProperties)) {
			for (const [name, fieldValue] of Object.entries(value)) {
				const issue = this.validate(resolved.additionalProperties, fieldValue, `${where}.${name}`);
				if (issue) return issue;
			}
		}
		return undefined;
	}

	private resolve(schema: Schema): Schema | undefined {
		let current: Schema | undefined = schema;
		for (let depth = 0; current && typeof current.$ref === 'string' && depth < 20; depth++) {
			const name: string = current.$ref.split('/').slice(-1)[0];
			const target: unknown = this.schemas[name];
			// Sibling keys next to a $ref (pydantic puts `description`, `default` there) do not constrain.
			current = isObject(target) ? target : undefined;
		}
		return current;
	}

	/** A Python-like type term of a field's schema: Any, a class or primitive name, list[T], or a union. */
	private typeTerm(schema: Schema): Term {
		if (typeof schema.$ref === 'string') return { kind: 'name', name: schema.$ref.split('/').slice(-1)[0] };
		const members = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
		if (members) {
			const terms = members.filter((member): member is Schema => isObject(member) && member.type !== 'null').map((member) => this.typeTerm(member));
			if (terms.some((term) => term.kind === 'any')) return { kind: 'any' };
			return terms.length === 1 ? terms[0] : { kind: 'union', members: terms };
		}
		if (Array.isArray(schema.allOf) && isObject(schema.allOf[0])) return this.typeTerm(schema.allOf[0]);
		if ('const' in schema || Array.isArray(schema.enum)) return { kind: 'name', name: 'str' };
		switch (schema.type) {
			case 'array':
				return { kind: 'list', item: isObject(schema.items) ? this.typeTerm(schema.items) : { kind: 'any' } };
			case 'string':
				return { kind: 'name', name: 'str' };
			case 'integer':
				return { kind: 'name', name: 'int' };
			case 'number':
				return { kind: 'name', name: 'float' };
			case 'boolean':
				return { kind: 'name', name: 'bool' };
			case 'object':
				return { kind: 'name', name: 'dict' };
			default:
				return { kind: 'any' };
		}
	}

	/** `are_connection_types_compatible` of graph.py. */
	private compatible(from: Term, to: Term): boolean {
		if (isAny(from) || isAny(to) || sameTerm(from, to)) return true;
		if (args(to).some((arg) => sameTerm(arg, from))) return true;
		if (args(from).some((arg) => sameTerm(arg, to))) return true;
		if (from.kind === 'name' && to.kind === 'name') {
			if (from.name === 'int' && to.name === 'float') return true;
			if ((from.name === 'int' || from.name === 'float') && to.name === 'str') return true;
		}
		if (from.kind === 'union') return from.members.every((member) => args(to).some((arg) => sameTerm(arg, member)));
		return false;
	}
}

type Term = { kind: 'any' } | { kind: 'name'; name: string } | { kind: 'list'; item: Term } | { kind: 'union'; members: Term[] };

function args(term: Term): Term[] {
	if (term.kind === 'list') return [term.item];
	if (term.kind === 'union') return term.members;
	return [];
}

/** Python's `is_any`: Any itself, or Any among the arguments (list[Any]). */
function isAny(term: Term): boolean {
	return term.kind === 'any' || args(term).some((arg) => arg.kind === 'any');
}

function sameTerm(a: Term, b: Term): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

function findCycle(ids: string[], adjacency: Map<string, string[]>): string[] | undefined {
	const state = new Map<string, 'visiting' | 'done'>();
	const path: string[] = [];
	const visit = (id: string): string[] | undefined => {
		if (state.get(id) === 'done') return undefined;
		if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
		state.set(id, 'visiting');
		path.push(id);
		for (const next of adjacency.get(id) ?? []) {
			const cycle = visit(next);
			if (cycle) return cycle;
		}
		path.pop();
		state.set(id, 'done');
		return undefined;
	};
	for (const id of ids) {
		const cycle = visit(id);
		if (cycle) return cycle;
	}
	return undefined;
}

function hasJsonType(value: unknown, type: unknown): boolean {
	switch (type) {
		case 'null':
			return value === null;
		case 'string':
			return typeof value === 'string';
		case 'integer':
			return typeof value === 'number' && Number.isInteger(value);
		case 'number':
			return typeof value === 'number' && Number.isFinite(value);
		case 'boolean':
			return typeof value === 'boolean';
		case 'array':
			return Array.isArray(value);
		case 'object':
			return isObject(value);
		default:
			return true;
	}
}

function isBatchItem(item: unknown): boolean {
	return (
		typeof item === 'string' ||
		(typeof item === 'number' && Number.isFinite(item)) ||
		(isObject(item) && (typeof item.image_name === 'string' || typeof item.video_name === 'string'))
	);
}

function isEndpoint(value: unknown): value is { node_id: string; field: string } {
	return isObject(value) && typeof value.node_id === 'string' && typeof value.field === 'string';
}

function isObject(value: unknown): value is Schema {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One-off check: the problems the server would have with `graph` (and `data`), none when it would take them. */
export function checkInvokeAIGraph(openapi: unknown, graph: unknown, data?: unknown): string[] {
	return new InvokeAIGraphChecker(openapi).check(graph, data).problems;
}
