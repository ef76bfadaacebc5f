import { InputError, isInputError } from '../core/errors.ts';

/**
 * `error`, as an InputError on the node's `parameter` when it is one (the core names its own
 * parameter, e.g. `workflow`, where the node has several that could hold it); anything else as it is.
 * The item loop turns it into the node error that names the parameter's display name.
 */
export function onParameter(error: unknown, parameter: string, suffix = ''): unknown {
	if (!isInputError(error)) return error;
	return new InputError(parameter, suffix ? `${error.message.replace(/\.$/, '')}${suffix}.` : error.message, error.hint);
}
