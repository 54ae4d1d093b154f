// Test page (not shipped): renders window.TEST_SCHEMA with react-jsonschema-form 6 (the current major)
// and its ajv8 validator. Bundled by test/support/form-page.ts with esbuild.
import React from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import Form from '@rjsf/core';
import validator from '@rjsf/validator-ajv8';

let formData = window.TEST_FORM_DATA;
const root = createRoot(document.getElementById('root'));

function render() {
  flushSync(() => root.render(React.createElement(Form, {
    schema: window.TEST_SCHEMA,
    validator,
    formData,
    liveValidate: true,
    showErrorList: false,
    onChange: (event) => { formData = event.formData; },
  }, React.createElement('span'))));
}

window.formPage = {
  renderer: 'rjsf 6.11.1',
  formData: () => formData,
  setFormData: (data) => { formData = data; render(); },
  /** Schema errors of the current data, as RJSF shows them: property path and message. */
  errors: () => validator.validateFormData(formData, window.TEST_SCHEMA).errors.map((error) => ({ property: error.property, message: error.message })),
};
render();
