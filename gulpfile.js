const { src, dest, task } = require('gulp');

/** Copies node and credential icons next to the compiled code, where n8n looks for them. */
function buildIcons() {
	return src(['nodes/**/*.svg', 'credentials/**/*.svg'], { base: '.', encoding: false }).pipe(dest('dist'));
}

task('build:icons', buildIcons);
