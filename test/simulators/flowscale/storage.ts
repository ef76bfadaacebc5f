// The storage host behind Flowscale's download URLs (S3 in production: "https://runs.s3.amazonaws.com/
// generations/..."), a second origin on its own port. The origin stands for the bucket, as in S3's
// virtual-hosted style. It checks pre-signed URLs and answers like S3: 403 XML AccessDenied
// "Request has expired" for an expired URL, SignatureDoesNotMatch for a tampered one, AccessDenied
// for an unsigned one (a private bucket), 404 NoSuchKey for a missing object.
import { createHash } from 'node:crypto';

import { FaultList } from '../shared/faults.ts';
import type { Reply, SimRequest } from '../shared/httpShell.ts';
import { createSimHttpServer } from '../shared/httpShell.ts';
import { logHeaders } from './headerLog.ts';
import { UrlSigner } from './presign.ts';
import { s3Error, s3Headers, s3Time } from './s3Errors.ts';
import type { LoggedRequest, SimStorage } from './types.ts';

interface StoredObject {
	/** Made on first read: most outputs of a test are never downloaded. */
	bytes: Buffer | (() => Buffer);
	contentType: string;
	lastModified: Date;
}

export interface StorageConfig {
	presignTtlSeconds: number;
	publicBucket: boolean;
}

export interface StorageHost extends SimStorage {
	put(key: string, contentType: string, bytes: Buffer | (() => Buffer)): void;
	bytesOf(key: string): Buffer | undefined;
	/** The object's URL without a signature (what a run's `outputs[].url` shows). */
	plainUrl(key: string): string;
	/** A fresh pre-signed GET URL. */
	signedUrl(key: string): string;
	close(): Promise<void>;
}

function bytesOf(object: StoredObject): Buffer {
	if (typeof object.bytes === 'function') object.bytes = object.bytes();
	return object.bytes;
}

function keyPath(key: string): string {
	return `/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export async function startStorage(config: StorageConfig): Promise<StorageHost> {
	/** By path as requested (the key's segments percent-encoded), so no decoding is needed. */
	const objects = new Map<string, StoredObject>();
	const signer = new UrlSigner();
	const faults = new FaultList();
	const requests: LoggedRequest[] = [];
	let skewMs = 0;
	const now = () => Date.now() + skewMs;

	function authorize(request: SimRequest): Reply | undefined {
		const check = signer.check(request.method === 'HEAD' ? 'GET' : request.method, request.path, request.query, now());
		if (check.kind !== 'unsigned' && request.headers.authorization !== undefined) {
			return s3Error(
				400,
				'InvalidArgument',
				'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
				{ ArgumentName: 'Authorization', ArgumentValue: String(request.headers.authorization) },
			);
		}
		switch (check.kind) {
			case 'valid':
				return undefined;
			case 'unsigned':
				return config.publicBucket && request.headers.authorization === undefined ? undefined : s3Error(403, 'AccessDenied', 'Access Denied');
			case 'expired':
				return s3Error(403, 'AccessDenied', 'Request has expired', {
					'X-Amz-Expires': String(check.expiresSeconds),
					Expires: s3Time(check.expiresAt),
					ServerTime: s3Time(new Date(now())),
				});
			case 'malformed':
				return s3Error(400, 'AuthorizationQueryParametersError', 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
			case 'bad-signature':
				return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
		}
	}

	async function handle(request: SimRequest): Promise<Reply> {
		const refused = authorize(request);
		if (refused) return refused;
		const object = objects.get(request.path);
		if (!object) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: request.path.slice(1) });
		if (request.method !== 'GET' && request.method !== 'HEAD') return s3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
		const bytes = bytesOf(object);
		return {
			status: 200,
			headers: {
				...s3Headers(),
				'content-type': object.contentType,
				'content-length': String(bytes.length),
				etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
				'last-modified': object.lastModified.toUTCString(),
				'accept-ranges': 'bytes',
			},
			body: bytes,
		};
	}

	const http = createSimHttpServer({ name: 'flowscale storage simulator', serverHeader: 'AmazonS3', faults, requests, handle });
	logHeaders(http.server, requests);
	const url = await http.listen();

	return {
		url,
		requests,
		faults,
		advanceClock(ms) {
			skewMs += ms;
		},
		put(key, contentType, bytes) {
			objects.set(keyPath(key), { bytes, contentType, lastModified: new Date(now()) });
		},
		bytesOf: (key) => {
			const object = objects.get(keyPath(key));
			return object && bytesOf(object);
		},
		plainUrl: (key) => `${url}${keyPath(key)}`,
		signedUrl: (key) => `${url}${keyPath(key)}?${signer.sign(keyPath(key), now(), config.presignTtlSeconds)}`,
		close: () => http.close(),
	};
}
