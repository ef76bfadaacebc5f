// Pre-signed URLs in the shape of S3's SigV4 query signing (X-Amz-Date, X-Amz-Expires,
// X-Amz-Signature...). The signature is an HMAC over what a client could tamper with; it is not
// AWS's canonical request, which nobody outside the storage host checks.
import { createHmac, randomBytes } from 'node:crypto';

// AWS's documentation placeholder, so no scanner takes it for a real key.
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const REGION = 'us-east-1';

export type PresignCheck =
	| { kind: 'valid' }
	| { kind: 'unsigned' }
	| { kind: 'malformed' }
	| { kind: 'bad-signature' }
	| { kind: 'expired'; expiresSeconds: number; expiresAt: Date };

/** `yyyyMMdd'T'HHmmss'Z'`, the X-Amz-Date format. */
function amzDate(ms: number): string {
	return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(text: string): number | undefined {
	const match = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(text);
	if (!match) return undefined;
	const [, year, month, day, hour, minute, second] = match.map(Number);
	return Date.UTC(year, month - 1, day, hour, minute, second);
}

export class UrlSigner {
	private readonly secret = randomBytes(32);

	private signature(method: string, path: string, date: string, expires: string, credential: string): string {
		return createHmac('sha256', this.secret).update([method, path, date, expires, credential].join('\n')).digest('hex');
	}

	/** The query string that makes `GET path` valid for `ttlSeconds` from `nowMs`. */
	sign(path: string, nowMs: number, ttlSeconds: number): string {
		const date = amzDate(nowMs);
		const credential = `${ACCESS_KEY}/${date.slice(0, 8)}/${REGION}/s3/aws4_request`;
		const query = new URLSearchParams({
			'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
			'X-Amz-Credential': credential,
			'X-Amz-Date': date,
			'X-Amz-Expires': String(ttlSeconds),
			'X-Amz-SignedHeaders': 'host',
		});
		query.set('X-Amz-Signature', this.signature('GET', path, date, String(ttlSeconds), credential));
		return query.toString();
	}

	/** Checks a request's query against its method and path, expiry first as S3 does. */
	check(method: string, path: string, query: Map<string, string>, nowMs: number): PresignCheck {
		const signature = query.get('X-Amz-Signature');
		if (signature === undefined && !query.has('X-Amz-Algorithm')) return { kind: 'unsigned' };
		const date = query.get('X-Amz-Date') ?? '';
		const expires = query.get('X-Amz-Expires') ?? '';
		const credential = query.get('X-Amz-Credential') ?? '';
		const issuedAt = parseAmzDate(date);
		if (signature === undefined || issuedAt === undefined || !/^\d+$/.test(expires)) return { kind: 'malformed' };
		const expiresAt = issuedAt + Number(expires) * 1000;
		if (nowMs > expiresAt) return { kind: 'expired', expiresSeconds: Number(expires), expiresAt: new Date(expiresAt) };
		if (signature !== this.signature(method, path, date, expires, credential)) return { kind: 'bad-signature' };
		return { kind: 'valid' };
	}
}
