// Placeholder until the local server lands (issue: webhook runtime). Says what exists today.
console.log('webhook-responders: the local server is not built yet.');
console.log('Try a script with: npm run --silent try -- path/to/script.js');
