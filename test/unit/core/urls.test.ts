import { InputError } from '../../../nodes/shared/core/errors.ts';
import { redactUrl, redactUrlsIn } from '../../../nodes/shared/core/redact.ts';
import type { BaseUrlRules } from '../../../nodes/shared/core/urls.ts';
import { checkBaseUrl } from '../../../nodes/shared/core/urls.ts';

const rules: BaseUrlRules = { parameter: 'baseUrl', service: 'Visionatrix', apiPrefix: '/vapi', example: 'http://gpu-box.lan:8288' };

function refusal(raw: string): InputError {
	try {
		checkBaseUrl(raw, rules);
	} catch (error) {
		return error as InputError;
	}
	throw new Error(`"${raw}" was accepted`);
}

describe('checkBaseUrl', () => {
	it('keeps scheme, host, port and path, without a trailing slash', () => {
		expect(checkBaseUrl(' http://gpu-box.lan:8288/ ', rules)).toEqual({ url: 'http://gpu-box.lan:8288' });
		expect(checkBaseUrl('https://example.com/visionatrix//', rules)).toEqual({ url: 'https://example.com/visionatrix' });
	});

	it('takes user info out of the address, decoded, for the caller to send as Basic auth', () => {
		expect(checkBaseUrl('http://admin:s%40cret@gpu-box:8288', rules)).toEqual({ url: 'http://gpu-box:8288', userInfo: { user: 'admin', password: 's@cret' } });
	});

	it.each([
		['notaurl', 'has no scheme (add http:// or https://)'],
		['gpu-box:8288', 'has no scheme (add http:// or https://)'],
		['localhost:8288/', 'has no scheme (add http:// or https://)'],
		['ftp://gpu-box:21', 'uses ftp://, but only http:// and https:// are supported'],
		['http://gpu-box:99999', 'has the port 99999, but ports go up to 65535'],
		['http://gpu-box:8288/vapi', 'ends in /vapi, which is added to every request anyway: leave it out'],
		['http://gpu-box:8288/vapi/', 'ends in /vapi'],
		['http://gpu-box:8288/?x=1', 'must not have a query string'],
		['', 'is empty'],
	])('refuses %j: %s', (raw, why) => {
		const error = refusal(raw);
		expect(error).toMatchObject({ kind: 'input', parameter: 'baseUrl' });
		expect(error.message).toContain(why);
		expect(error.message).toContain('expected something like http://gpu-box.lan:8288');
	});

	it('never echoes a password, even in a refusal', () => {
		const error = refusal('ftp://admin:s3cret@gpu-box:21');
		expect(error.message).toContain('"ftp://***@gpu-box:21"');
		expect(error.message).not.toContain('s3cret');
	});
});

describe('redaction', () => {
	it('replaces the user info of a URL, and of every URL inside a text', () => {
		expect(redactUrl('http://admin:secret@host:1/x')).toBe('http://***@host:1/x');
		expect(redactUrl('http://host:1/x@y')).toBe('http://host:1/x@y');
		expect(redactUrlsIn('Request cannot be constructed from a URL that includes credentials: http://admin:secret@host/vapi/x, and https://u:p@other/')).toBe(
			'Request cannot be constructed from a URL that includes credentials: http://***@host/vapi/x, and https://***@other/',
		);
	});
});
