import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { readImage, uploadImage, type ImageFile } from '../media/image';
import type { NodeOptions } from '../options';
import {
	CONTROL_CHARACTERS,
	inputError,
	parameterValue,
	quoteShortened,
	readText,
	requireText,
	type FieldRef,
} from '../validation';
import { addFailureNote } from './failureNote';

const MAX_ARTICLES = 7;
/** Article limits in characters, counted as Unicode code points (an emoji is one character). */
const ARTICLE_LIMITS = { title: 45, author: 8, description: 140 } as const;
/** Longer than any Fxiaoke media id or npath; anything bigger is a mistake. */
const MAX_MEDIA_ID_LENGTH = 1024;

const codePoints = (text: string) => [...text].length;

interface ArticleDraft {
	article: IDataObject;
	/** Set when the cover comes from a binary property; uploaded after every check passed. */
	cover?: { property: string; image: ImageFile };
}

/** Articles checked and built; calling it uploads the binary covers and gives the `articles` array. */
export type PreparedArticles = (options: NodeOptions) => Promise<IDataObject[]>;

/**
 * Checks every article (count, lengths, required fields, cover images) without sending anything.
 * Covers from binary properties are uploaded only when the result is called, at send time: every
 * item of a run is checked first, so a bad item stops the run before any file is uploaded.
 */
export async function prepareArticles(ctx: IExecuteFunctions, itemIndex: number): Promise<PreparedArticles> {
	const drafts = await checkArticles(ctx, itemIndex);
	return async (options) => {
		await uploadCovers(ctx, itemIndex, drafts, options);
		return drafts.map((draft) => draft.article);
	};
}

async function checkArticles(ctx: IExecuteFunctions, itemIndex: number): Promise<ArticleDraft[]> {
	const collection = parameterValue(ctx, 'articles', itemIndex, {}) as { article?: unknown };
	const list = Array.isArray(collection?.article) ? (collection.article as unknown[]) : [];
	const articlesField: FieldRef = { label: 'Articles', name: 'articles' };
	if (list.length === 0) throw inputError(ctx, itemIndex, articlesField, `is empty: add 1 to ${MAX_ARTICLES} articles`);
	if (list.length > MAX_ARTICLES) {
		throw inputError(ctx, itemIndex, articlesField, `has ${list.length} articles (at most ${MAX_ARTICLES})`);
	}

	const drafts: ArticleDraft[] = [];
	for (let index = 0; index < list.length; index++) {
		const values = (list[index] ?? {}) as IDataObject;
		const where = `of article ${index + 1}`;
		const ref = (label: string, name: string): FieldRef => ({ label, name, where });
		const limited = (label: string, name: keyof typeof ARTICLE_LIMITS, required: boolean): string => {
			const field = ref(label, name);
			const text = required
				? requireText(ctx, itemIndex, values[name], field)
				: readText(ctx, itemIndex, values[name], field);
			const length = codePoints(text);
			if (length > ARTICLE_LIMITS[name]) {
				throw inputError(ctx, itemIndex, field, `is ${length} characters long (at most ${ARTICLE_LIMITS[name]})`);
			}
			return text;
		};

		const title = limited('Title', 'title', true);
		const author = limited('Author', 'author', false);
		const description = limited('Description', 'description', false);
		const type = values.type ?? 'TEXT';
		if (type !== 'TEXT' && type !== 'URL') {
			throw inputError(ctx, itemIndex, ref('Type', 'type'), `must be TEXT or URL, not ${quoteShortened(String(type))},`);
		}
		const content = requireText(ctx, itemIndex, values.content, ref('Content', 'content'));

		const article: IDataObject = { title };
		if (author.trim() !== '') article.author = author;
		if (description.trim() !== '') article.description = description;
		const draft: ArticleDraft = { article };
		const source = values.coverSource ?? 'mediaId';
		if (source === 'binary') {
			const field = ref('Cover Binary Property', 'coverBinaryProperty');
			const property = values.coverBinaryProperty ?? 'data';
			draft.cover = { property: String(property).trim(), image: await readImage(ctx, itemIndex, property, field) };
			article.coverImage = '';
		} else if (source === 'mediaId') {
			const field = ref('Cover Media ID', 'coverMediaId');
			const mediaId = requireText(ctx, itemIndex, values.coverMediaId, field).trim();
			if (mediaId.length > MAX_MEDIA_ID_LENGTH) {
				throw inputError(ctx, itemIndex, field, `is ${mediaId.length} characters long (at most ${MAX_MEDIA_ID_LENGTH})`);
			}
			if (CONTROL_CHARACTERS.test(mediaId)) {
				throw inputError(ctx, itemIndex, field, 'contains control characters (such as a line break)');
			}
			article.coverImage = mediaId;
		} else {
			throw inputError(
				ctx,
				itemIndex,
				ref('Cover Source', 'coverSource'),
				`must be mediaId or binary, not ${quoteShortened(String(source))},`,
			);
		}
		// Only Type TEXT knows coverImageInContent (API.md §7.3).
		if (type === 'TEXT') article.coverImageInContent = values.coverImageInContent === true;
		article.type = type;
		article.content = content;
		drafts.push(draft);
	}
	return drafts;
}

/** Uploads the binary covers (each binary property once) and puts their mediaIds into the articles. */
async function uploadCovers(
	ctx: IExecuteFunctions,
	itemIndex: number,
	drafts: ArticleDraft[],
	options: NodeOptions,
): Promise<void> {
	const uploaded = new Map<string, string>();
	for (let index = 0; index < drafts.length; index++) {
		const { article, cover } = drafts[index];
		if (!cover) continue;
		let mediaId = uploaded.get(cover.property);
		if (mediaId === undefined) {
			let answer: IDataObject;
			try {
				answer = await uploadImage(ctx, itemIndex, cover.image, options);
			} catch (error) {
				throw addFailureNote(
					ctx,
					error,
					itemIndex,
					`Uploading the cover image of article ${index + 1} (binary property "${cover.property}") failed; no message was sent.`,
				);
			}
			if (typeof answer.mediaId !== 'string' || answer.mediaId === '') {
				throw new NodeOperationError(
					ctx.getNode(),
					`Fxiaoke's answer to the cover image upload of article ${index + 1} has no mediaId in item ${itemIndex}`,
					{ itemIndex, description: `Answer: ${JSON.stringify(answer)}. No message was sent.` },
				);
			}
			mediaId = answer.mediaId;
			uploaded.set(cover.property, mediaId);
		}
		article.coverImage = mediaId;
	}
}
