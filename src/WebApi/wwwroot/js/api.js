// The public REST API, with the bearer token from POST /auth/token kept in sessionStorage (gone with the tab).
const tokenKey = 'abparts.token';

/** A failed request: the message of the ProblemDetails answer (detail, else title) and its validation errors. */
export class ApiError extends Error {
  constructor(message, status = 0, errors = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errors = errors;
  }
}

export function isSignedIn() {
  return sessionStorage.getItem(tokenKey) !== null;
}

export async function signIn(username, password) {
  const answer = await send('POST', '/auth/token', { json: { username, password } });
  sessionStorage.setItem(tokenKey, answer.access_token);
}

export function signOut() {
  sessionStorage.removeItem(tokenKey);
}

export const get = (path) => send('GET', path);
export const put = (path, json) => send('PUT', path, { json });
export const remove = (path) => send('DELETE', path);
export const post = (path, form) => send('POST', path, { form });

/** A multipart form with one file under the field name "file" for each file given. */
export function files(list) {
  const form = new FormData();
  for (const file of list) {
    form.append('file', file);
  }
  return form;
}

/**
 * Posts a multipart form with XMLHttpRequest, which reports upload progress (fetch does not); onProgress gets
 * the percentage sent.
 */
export function upload(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    authorize((name, value) => request.setRequestHeader(name, value));
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) {
        onProgress(Math.round((event.loaded * 100) / event.total));
      }
    });
    request.addEventListener('load', () => {
      try {
        resolve(answer(request.status, request.getResponseHeader('Content-Type'), request.responseText));
      } catch (error) {
        reject(error);
      }
    });
    request.addEventListener('error', () => reject(networkError()));
    request.addEventListener('abort', () => reject(new ApiError('The upload was cancelled.')));
    request.send(form);
  });
}

async function send(method, path, { json, form } = {}) {
  const headers = {};
  authorize((name, value) => { headers[name] = value; });
  let body = form;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch {
    throw networkError();
  }
  return answer(response.status, response.headers.get('Content-Type'), await response.text());
}

function authorize(setHeader) {
  const token = sessionStorage.getItem(tokenKey);
  if (token !== null) {
    setHeader('Authorization', `Bearer ${token}`);
  }
}

/** The parsed JSON of a successful answer (null when it has none), or the ApiError of a failed one. */
function answer(status, contentType, text) {
  const json = text !== '' && /json/.test(contentType ?? '') ? parse(text) : null;
  if (status >= 200 && status < 300) {
    return json;
  }
  const errors = Object.entries(json?.errors ?? {})
    .flatMap(([name, messages]) => [].concat(messages).map((message) => `${name}: ${message}`));
  throw new ApiError(json?.detail || json?.title || `The service answered ${status}.`, status, errors);
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function networkError() {
  return new ApiError('The service could not be reached. Check the connection and try again.');
}
