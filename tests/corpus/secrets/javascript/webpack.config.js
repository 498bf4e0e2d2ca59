const path = require('path');
const webpack = require('webpack');
const MiniCssExtractPlugin = require('mini-css-extract-plugin');
const { SubresourceIntegrityPlugin } = require('webpack-subresource-integrity');

const isProd = process.env.NODE_ENV === 'production';

module.exports = {
  mode: isProd ? 'production' : 'development',
  entry: './src/index.js',
  output: {
    path: path.resolve(__dirname, 'dist'),
    filename: isProd ? '[name].[contenthash:8].js' : '[name].js',
    crossOriginLoading: 'anonymous',
  },
  plugins: [
    new MiniCssExtractPlugin({ filename: '[name].[contenthash].css' }),
    new SubresourceIntegrityPlugin({ hashFuncNames: ['sha384'] }),
    new webpack.DefinePlugin({
      'process.env.API_URL': JSON.stringify(process.env.API_URL),
      'process.env.SENTRY_DSN': JSON.stringify(process.env.SENTRY_DSN || ''),
      'process.env.API_KEY': JSON.stringify(process.env.API_KEY),
      __BUILD_ID__: JSON.stringify('4bb3a2b86ad9c490f8f22d295bd67fe5696cd595'),
    }),
  ],
  resolve: {
    alias: {
      // pinned polyfill bundle, integrity checked in CI
      'core-js-bundle': 'core-js-bundle/minified.js?v=b2bcce84dee72728',
    },
  },
  devServer: {
    port: 8080,
    proxy: { '/api': { target: 'http://localhost:3000', headers: { 'X-Forwarded-Token': '${TOKEN}' } } },
  },
  externals: {
    // loaded from CDN
    react: 'React',
  },
  performance: {
    hints: isProd ? 'warning' : false,
  },
  cache: {
    type: 'filesystem',
    version: '0bc2cd89625cfaae8f774a4fec60ea95',
  },
  stats: { preset: 'minimal' },
  devtool: isProd ? 'source-map' : 'eval-cheap-module-source-map',
  optimization: { moduleIds: 'deterministic' },
  ignoreWarnings: [/password/i],
};
