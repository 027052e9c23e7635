import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml, html } from "../js/html.mjs";

test("values in a template are escaped, markup made by html is not", () => {
  const name = `<script>alert("x")</script> & 'co'`;
  assert.equal(
    html`<p>${name}</p>`.toString(),
    "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>",
  );
  assert.equal(html`<div>${html`<b>${"a<b"}</b>`}</div>`.toString(), "<div><b>a&lt;b</b></div>");
});

test("arrays are joined and null, undefined and false leave nothing", () => {
  assert.equal(html`${["a", "<", html`<i></i>`]}`.toString(), "a&lt;<i></i>");
  assert.equal(html`[${null}${undefined}${false}]`.toString(), "[]");
  assert.equal(html`${0}`.toString(), "0");
});

test("attribute values are escaped too", () => {
  assert.equal(html`<a href="${'" onmouseover="x'}">`.toString(), '<a href="&quot; onmouseover=&quot;x">');
  assert.equal(escapeHtml("a&b"), "a&amp;b");
});
