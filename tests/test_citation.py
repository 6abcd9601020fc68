"CITATION.cff: valid Citation File Format fields, and the version of the package it cites."
import configparser
import yaml

def test_citation_names_this_version_of_the_package(repo_root):
    cff = yaml.safe_load((repo_root/'CITATION.cff').read_text())
    settings = configparser.ConfigParser()
    settings.read(repo_root/'settings.ini')
    assert cff['cff-version'] == '1.2.0' and cff['type'] == 'software'
    assert cff['version'] == settings['DEFAULT']['version']
    assert cff['title'].startswith('lc_transformer') and cff['authors'] and cff['message']
    assert cff['repository-code'] == settings['DEFAULT']['git_url']
