// The service's public HTTP API, read with a key: JSON in, RFC 9457 problems turned into errors with their words.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title);
    this.status = status;
    this.title = problem.title;
    this.detail = problem.detail;
    this.requestId = problem.requestId;
  }
}

const PAGE_LIMIT = 500;

export function createApi({ base, key }) {
  const root = base.replace(/\/+$/, "");

  function url(path, params) {
    const address = new URL(root + path);
    for (const [name, value] of Object.entries(params ?? {})) {
      for (const one of [value].flat()) {
        if (one !== null && one !== undefined && one !== "") address.searchParams.append(name, String(one));
      }
    }
    return address.toString();
  }

  async function send(path, params, accept) {
    const headers = { Accept: accept };
    if (key) headers.Authorization = `Bearer ${key}`;
    let response;
    try {
      response = await fetch(url(path, params), { headers });
    } catch {
      throw new ApiError(0, {
        title: "The service cannot be reached",
        detail: `No answer from ${root}. Check that it is running and that it allows this dashboard's address (CORS_ORIGINS).`,
      });
    }
    if (!response.ok) {
      let problem = { title: `${response.status} ${response.statusText}` };
      try {
        problem = await response.json();
      } catch {
        // not a problem document: keep the status line
      }
      problem.requestId = response.headers.get("X-Request-ID");
      throw new ApiError(response.status, problem);
    }
    return response;
  }

  return {
    base: root,
    url,
    /** One resource, or one page of a list. */
    async get(path, params) {
      return (await send(path, params, "application/json")).json();
    },
    /** Null when the service answers 404: "there is nothing yet" rather than a failure. */
    async find(path, params) {
      try {
        return await this.get(path, params);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    /** Every item of a paged list, page after page. */
    async all(path, params) {
      const items = [];
      for (let page = 1; ; page += 1) {
        const body = await this.get(path, { ...params, page, limit: PAGE_LIMIT });
        items.push(...body.items);
        if (body.total === undefined || items.length >= body.total || body.items.length === 0) return items;
      }
    },
    /** A download (a pack as HTML, CSV or JSON), as a Blob. */
    async blob(path, params, accept = "*/*") {
      return (await send(path, params, accept)).blob();
    },
  };
}
