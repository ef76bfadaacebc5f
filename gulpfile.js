// Copies what tsc does not: node and credential icons, and the codex files beside each node.
// `clean` empties dist/ first, so a file that was moved or deleted is not published from an old build.
const { rmSync } = require('node:fs');
const { src, dest, parallel } = require('gulp');

function clean(done) {
	rmSync('dist', { recursive: true, force: true });
	done();
}

function copyIcons() {
	return src(['icons/**/*.{png,svg}', 'nodes/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

exports.clean = clean;
exports.build = parallel(copyIcons, copyCodex);
